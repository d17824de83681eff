"""How often the participle agreement layer fires, and what the human Nynorsk says.

    .venv/bin/python bench/agree.py [--split dev|train] [--limit N] [--style NAME] [--show N]

Translates the Bokmål side of a NorBench split with the style's agreement layer on,
collects every participle the layer made plural (``--explain``'s ``agree`` changes),
and checks each against the reference: does the human Nynorsk have the plural form
the layer wrote, the singular form it replaced, or neither (reworded). ``--show N``
prints N firings with their sentences (an even spread over the run) for inspection.
Needs the third-party data in ../shared (exits 2 without it).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quality import DEFAULT_SHARED, load_pairs, shared_files  # noqa: E402

from omset import Translator  # noqa: E402

SPLITS = {"dev": "data/parallel/norbench_npk_maalfrid.dev.nb-nn.tsv",
          "train": "data/parallel/norbench_npk_maalfrid.train.nb-nn.tsv"}
_WORD = re.compile(r"\w+")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--split", choices=sorted(SPLITS), default="dev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--style", default="nynorsk-news")
    ap.add_argument("--show", type=int, default=0, help="print this many firings")
    args = ap.parse_args(argv)
    paths = shared_files(args.shared, SPLITS[args.split])
    if paths is None:
        return 2
    src, ref = load_pairs(paths[0], args.limit)
    with Translator("nb", "nn", style=args.style, agreement=True) as tr:
        detailed = tr.translate_detailed(src)
    fired: list[tuple[int, str, str, str, str]] = []
    for n, segs in enumerate(detailed):
        for seg in segs:
            for tok in seg.tokens:
                for ch in tok.changes:
                    if ch.layer == "agree":
                        fired.append((n, ch.before, ch.after, seg.text, ch.reason))
    verdicts: Counter[str] = Counter()
    for n, before, after, _, _ in fired:
        words = {w.lower() for w in _WORD.findall(ref[n])}
        new, old = after.split()[0].lower(), before.split()[0].lower()  # «skrivne ut»
        verdicts["plural (as the layer)" if new in words else
                 "singular (as before)" if old in words else "neither"] += 1
    segs_fired = len({f[0] for f in fired})
    print(f"{args.split}: {len(src)} segments, style {args.style}: the layer fired "
          f"{len(fired)} times in {segs_fired} segments")
    for k, v in verdicts.most_common():
        print(f"  reference has the {k}: {v}")
    if args.show and fired:
        step = max(1, len(fired) // args.show)
        for n, before, after, text, reason in fired[::step][:args.show]:
            print(f"\n[{n}] {before} → {after}: {reason}\n  src: {src[n]}\n  out: {text}\n  ref: {ref[n]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
