"""Learning which capitalised words to keep as written (names Apertium would translate).

Apertium translates a capitalised word in mid-sentence when it also knows it as a common
word: an organisation, a place or a product name then comes out in Nynorsk
(``Posten`` → ``Posten`` is fine, ``Kvinnen`` in a title or ``Sparebanken Vest`` is not).
From parallel text we count, for every capitalised word in mid-sentence that the engine
changed, how often the human translation kept it verbatim and how often it used the
engine's word; words kept in most cases (and at least ``min_count`` times) go to a
keep-list, applied as a glossary of do-not-translate terms.

    python -m omset.learn.names TRAIN.tsv -o omset/data/names/nynorsk-news.tsv
    python -m omset.learn.names TRAIN.tsv --reverse --drop-common -o omset/data/names/bokmal.tsv

needs the parallel data (``../shared``); it says so and stops when the file is missing.
Lines of the output file marked ``# by hand`` are kept when it is re-learned.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

_WORD = re.compile(r"[^\W\d_][\w-]*")


def capitalised_mid_sentence(text: str) -> list[str]:
    """Capitalised words that do not start the text or a sentence."""
    out: list[str] = []
    prev_end: int | None = None
    for m in _WORD.finditer(text):
        w = m.group()
        before: str | None = text[prev_end:m.start()] if prev_end is not None else None
        starts_sentence = before is None or re.search(r"[.!?:–—-]\s*[«\"]?\s*$", before or "")
        if w[0].isupper() and not w.isupper() and not starts_sentence:
            out.append(w)
        prev_end = m.end()
    return out


def learn(pairs: list[tuple[str, str]], outputs: list[str], min_count: int = 2,
          min_share: float = 0.6, drop_common: bool = False) -> dict[str, tuple[int, int]]:
    """word → (kept by the reference, translated in the reference), for words to keep.

    ``drop_common``: leave out words the sources also write in lower case (*Anna* and
    *mellom anna*, *Sola* and *sola*): a keep-list matches without regard to case, so
    it would keep the common word as written too."""
    kept: Counter = Counter()
    changed: Counter = Counter()
    lower: set[str] = set()
    if drop_common:
        lower = {w for src, _ in pairs for w in _WORD.findall(src) if w.islower()}
    for (src, ref), out in zip(pairs, outputs):
        ref_words = set(_WORD.findall(ref))
        out_words = set(_WORD.findall(out))
        for w in capitalised_mid_sentence(src):
            if w in out_words:
                continue  # the engine kept it already
            if w in ref_words:
                kept[w] += 1
            else:
                changed[w] += 1
    return {w: (k, changed[w]) for w, k in kept.items()
            if k >= min_count and k / (k + changed[w]) >= min_share and w.lower() not in lower}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("parallel", type=Path, help="Bokmål<TAB>Nynorsk pairs (the TRAIN split)")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--reverse", action="store_true",
                    help="read the pairs Nynorsk→Bokmål (a keep-list for nn→nb)")
    ap.add_argument("--drop-common", action="store_true",
                    help="leave out words the sources also write in lower case")
    ap.add_argument("--outputs", type=Path, default=None,
                    help="the engine's outputs for the pairs, one a line (e.g. omset learn's "
                         "--cache), instead of translating them again")
    args = ap.parse_args(argv)
    if not args.parallel.is_file():
        print(f"{args.parallel} not found: this needs the parallel data in ../shared "
              "(see shared/README.md)", file=sys.stderr)
        return 2
    rows = [line.split("\t") for line in args.parallel.read_text(encoding="utf-8").splitlines()]
    pairs = [(r[1], r[0]) if args.reverse else (r[0], r[1]) for r in rows if len(r) >= 2]
    outputs: list[str] = []
    if args.outputs is not None:
        outputs = args.outputs.read_text(encoding="utf-8").split("\n")[:-1]
    if len(outputs) != len(pairs):
        from ..translator import Translator

        direction, style = (("nn", "nb"), "bokmal") if args.reverse else (("nb", "nn"),
                                                                           "nynorsk-news")
        with Translator(*direction, style=style, rules=False) as tr:
            outputs = tr.translate_batch([s for s, _ in pairs])
    keep = learn(pairs, outputs, args.min_count, drop_common=args.drop_common)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Capitalised words to keep as written, learned from parallel news by",
             f"# python -m omset.learn.names {args.parallel.name} (kept/translated by the reference)"]
    lines += [f"{w}\t\t# {k}/{c}" for w, (k, c) in sorted(keep.items())]
    if args.output.is_file():  # entries added by hand survive a re-run
        lines += [line for line in args.output.read_text(encoding="utf-8").splitlines()
                  if "# by hand" in line]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(keep)} words to keep → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
