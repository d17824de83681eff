"""Names and acronyms: how often a system changes one the human translation keeps.

    .venv/bin/python bench/names.py [--out bench/out/quality] [--shared ../shared]

Reads the dev outputs ``bench/quality.py --out DIR`` wrote (``<system>.dev.nn.txt``, one
per system, plain Apertium's included) and the dev split from ../shared (exits 2 without
it). A *name* is a capitalised word of the Bokmål source that does not open the segment
or a sentence (``omset.learn.names.capitalised_mid_sentence``) and that the reference
keeps exactly; an *acronym* is an all-capital source word of 2+ letters the reference
keeps exactly. For each system it counts the occurrences its output does not contain
verbatim (changed wrongly), and among them those it only re-cased (``NAV`` → ``Nav``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from omset.learn.names import capitalised_mid_sentence  # noqa: E402
from quality import DEV, load_pairs, shared_files  # noqa: E402
_WORD = re.compile(r"[^\W\d_][\w-]*")


def acronyms(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if len(w) >= 2 and w.isupper()]


def measure(src: list[str], ref: list[str], hyp: list[str]) -> dict[str, int]:
    """Counts of names/acronyms kept by the reference, and how many the output lost."""
    c = {"names": 0, "names_changed": 0, "names_recased": 0,
         "acronyms": 0, "acronyms_changed": 0, "acronyms_recased": 0}
    for s, r, h in zip(src, ref, hyp):
        ref_words = set(_WORD.findall(r))
        out_words = set(_WORD.findall(h))
        out_lower = {w.lower() for w in out_words}
        for kind, words in (("names", capitalised_mid_sentence(s)), ("acronyms", acronyms(s))):
            for w in words:
                if w not in ref_words:
                    continue
                c[kind] += 1
                if w not in out_words:
                    c[f"{kind}_changed"] += 1
                    if w.lower() in out_lower:
                        c[f"{kind}_recased"] += 1
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "quality",
                    help="folder with <system>.dev.nn.txt from bench/quality.py --out")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    found = shared_files(args.shared, DEV)
    if found is None:
        return 2
    src, ref = load_pairs(found[0])
    files = sorted(args.out.glob("*.dev.nn.txt"), key=lambda p: (p.name != "apertium.dev.nn.txt", p.name))
    if not files:
        print(f"error: no *.dev.nn.txt in {args.out}: run bench/quality.py --out {args.out} first",
              file=sys.stderr)
        return 2
    print("| system | names kept by the reference | changed wrongly | of which only re-cased "
          "| acronyms kept by the reference | changed wrongly | of which only re-cased |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for f in files:
        hyp = f.read_text(encoding="utf-8").split("\n")[:len(src)]
        if len(hyp) != len(src):
            print(f"skipping {f.name}: {len(hyp)} lines for {len(src)} segments", file=sys.stderr)
            continue
        c = measure(src, ref, hyp)
        name = f.name[: -len(".dev.nn.txt")]
        print(f"| {name} | {c['names']} | {c['names_changed']} "
              f"({100 * c['names_changed'] / max(1, c['names']):.2f} %) | {c['names_recased']} "
              f"| {c['acronyms']} | {c['acronyms_changed']} "
              f"({100 * c['acronyms_changed'] / max(1, c['acronyms']):.2f} %) | {c['acronyms_recased']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
