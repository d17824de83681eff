"""Where does Nynorsk news write «også» and where «òg»? Counts behind `også_òg`.

    .venv/bin/python bench/ogso.py [--limit N]

Takes the train split's pairs whose Bokmål side has «også» (train only: this decides a
style choice), translates them with plain Apertium's choices (style ``apertium``) and
with ``nynorsk-news``'s preferences (rules and protection off in both), and for every
«også» that the preference turns into «òg» notes its context in the output and what
the human Nynorsk of that sentence writes (only «også», only «òg», both or neither).
A context where the references write «også» more often than «òg» would be a reason to
make the preference context-dependent. Needs ../shared (exits 2 without it).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quality import DEFAULT_SHARED, load_pairs, shared_files  # noqa: E402

from omset import Translator  # noqa: E402

TRAIN = "data/parallel/norbench_npk_maalfrid.train.nb-nn.tsv"
_TOK = re.compile(r"\w+|[^\w\s]")
_NOMINAL = frozenset("han ho dei det den eg vi me du de ein ei eit to tre fire fem fleire "
                     "alle mange dette desse denne begge nokre nokon ingen kvar".split())
_PREP = frozenset("i på til med for om av frå ved etter under blant mot over".split())


def prev_class(w: str) -> str:
    if w == "<s>":
        return "segment start"
    if not w[0].isalnum():
        return f"after punctuation ({w})"
    return f"after «{w}»" if w in ("men", "og", "som", "at", "det") else "after another word"


def next_class(w: str) -> str:
    if not w[0].isalnum():
        return "before punctuation"
    if w in ("at", "berre"):
        return f"before «{w}»"
    if w.lower() in _NOMINAL:
        return "before a pronoun/determiner (focused phrase)"
    if w[0].isupper():
        return "before a capitalised word (name)"
    return "before a preposition" if w in _PREP else "before another word"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None, help="at most N pairs with «også»")
    args = ap.parse_args(argv)
    paths = shared_files(args.shared, TRAIN)
    if paths is None:
        return 2
    src, ref = load_pairs(paths[0])
    idx = [i for i, s in enumerate(src) if re.search(r"\bogså\b", s, re.I)][:args.limit]
    segs = [src[i] for i in idx]
    with Translator(style="apertium", rules=False, protect=False) as plain:
        base = plain.translate_batch(segs)
        with Translator(style="nynorsk-news", rules=False, protect=False, agreement=False,
                        engine=plain.engine) as house:
            pref = house.translate_batch(segs)
    by_ctx: dict[str, Counter[str]] = defaultdict(Counter)
    kept: Counter[str] = Counter()
    for i, b, p in zip(idx, base, pref):
        B, P = _TOK.findall(b), _TOK.findall(p)
        words = {w.lower() for w in _TOK.findall(ref[i])}
        verdict = ("both" if {"også", "òg"} <= words else "også" if "også" in words
                   else "òg" if "òg" in words else "neither")
        pairs = {}
        for _op, i1, i2, j1, j2 in SequenceMatcher(a=B, b=P, autojunk=False).get_opcodes():
            if i2 - i1 == j2 - j1:
                pairs.update({i1 + k: P[j1 + k] for k in range(i2 - i1)})
        for k, w in enumerate(B):
            if w.lower() != "også":
                continue
            if pairs.get(k, "").lower() != "òg":
                kept[verdict] += 1
                continue
            by_ctx["all turned into «òg»"][verdict] += 1
            by_ctx[prev_class(B[k - 1].lower() if k else "<s>")][verdict] += 1
            by_ctx[next_class(B[k + 1] if k + 1 < len(B) else ".")][verdict] += 1
    print(f"{len(idx)} train pairs with «også»; the references' choice per context of the "
          "«også» that `også_òg` turns into «òg»:\n")
    print("| context | ref «òg» | ref «også» | both | neither |")
    print("|---|---:|---:|---:|---:|")
    for ctx, c in sorted(by_ctx.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"| {ctx} | {c['òg']} | {c['også']} | {c['both']} | {c['neither']} |")
    print(f"| («også» the preference leaves alone) | {kept['òg']} | {kept['også']} | "
          f"{kept['both']} | {kept['neither']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
