"""How often the participle agreement layer fires, and what the human Nynorsk says.

    .venv/bin/python bench/agree.py [--split dev|train] [--limit N] [--style NAME]
        [--gender off|fix|strong|full] [--no-number] [--show N] [--dump FILE]

Translates the Bokmål side of a NorBench split with the style's agreement layer on
(number agreement unless ``--no-number``; gender agreement at the ``--gender`` level),
collects every participle the layer changed (``--explain``'s ``agree`` changes),
and checks each against the reference: does the human Nynorsk have the form the layer
wrote, the form it replaced, or neither (reworded) — per rule (number, correction,
strong participle, full agreement). ``--show N`` prints N firings with their sentences
(an even spread over the run) for inspection; ``--dump FILE`` writes every firing
there (keep it outside the repository: it quotes the third-party sentences).
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
from omset.style.agree import GENDER_LEVELS  # noqa: E402

SPLITS = {"dev": "data/parallel/norbench_npk_maalfrid.dev.nb-nn.tsv",
          "train": "data/parallel/norbench_npk_maalfrid.train.nb-nn.tsv"}
_WORD = re.compile(r"\w+")
_RULE = re.compile(r"^agreement[^(]*\(([^)]*)\)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--split", choices=sorted(SPLITS), default="dev")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--style", default="nynorsk-news")
    ap.add_argument("--gender", choices=GENDER_LEVELS, default="off",
                    help="gender agreement level (docs/style.md)")
    ap.add_argument("--no-number", action="store_true", help="no plural agreement")
    ap.add_argument("--show", type=int, default=0, help="print this many firings")
    ap.add_argument("--dump", type=Path, default=None,
                    help="write every firing here (outside the repository)")
    args = ap.parse_args(argv)
    paths = shared_files(args.shared, SPLITS[args.split])
    if paths is None:
        return 2
    src, ref = load_pairs(paths[0], args.limit)
    with Translator("nb", "nn", style=args.style, agreement=not args.no_number,
                    gender=args.gender) as tr:
        detailed = tr.translate_detailed(src)
    fired: list[tuple[int, str, str, str, str]] = []
    for n, segs in enumerate(detailed):
        for seg in segs:
            for tok in seg.tokens:
                for ch in tok.changes:
                    if ch.layer == "agree":
                        fired.append((n, ch.before, ch.after, seg.text, ch.reason))
    verdicts: Counter[tuple[str, str]] = Counter()
    judged: list[str] = []
    for n, before, after, _, reason in fired:
        words = {w.lower() for w in _WORD.findall(ref[n])}
        new, old = after.split()[0].lower(), before.split()[0].lower()  # «skrivne ut»
        verdict = ("the layer's form" if new in words else
                   "the form before" if old in words else "neither")
        rule = m.group(1) if (m := _RULE.match(reason)) else "?"
        verdicts[rule, verdict] += 1
        judged.append(verdict)
    segs_fired = len({f[0] for f in fired})
    print(f"{args.split}: {len(src)} segments, style {args.style}, number "
          f"{'off' if args.no_number else 'on'}, gender {args.gender}: the layer fired "
          f"{len(fired)} times in {segs_fired} segments")
    for rule in sorted({r for r, _ in verdicts}):
        row = ", ".join(f"{v} {verdicts[rule, v]}" for v in
                        ("the layer's form", "the form before", "neither"))
        print(f"  {rule}: {sum(c for (r, _), c in verdicts.items() if r == rule)} "
              f"(reference has {row})")
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for k, ((n, before, after, text, reason), verdict) in enumerate(zip(fired, judged)):
                out.write(f"#{k} [{n}] {before} → {after} (reference: {verdict})\n  {reason}\n"
                          f"  src: {src[n]}\n  out: {text}\n  ref: {ref[n]}\n\n")
    if args.show and fired:
        step = max(1, len(fired) // args.show)
        for n, before, after, text, reason in fired[::step][:args.show]:
            print(f"\n[{n}] {before} → {after}: {reason}\n  src: {src[n]}\n  out: {text}\n  ref: {ref[n]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
