"""How often omset's APy routes answer exactly what a real APy answers, per pair.

    .venv/bin/python bench/apy_equality.py [--n 200] [--seed 7]

Starts `omset serve` and APy (`apertium-apy`, the `bench` extra) on loopback and sends
both the same `GET /translate?langpair=…&q=…` for `--n` sentences of the dev split
(bench/service.py's sampling; the nb side for nob→, the nn side for nno→), with APy's
default `markUnknown=yes` and with `markUnknown=no`; prints identical answers per pair,
how many differ only by the full stop APy loses after a final number (Apertium's
`lt-proc` swallows a `.` right before the NUL APy flushes with; omset keeps it), and the
first other differences. Without ../shared it uses examples/ (and says so).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from service import DEV, load_texts, start_apy, start_omset, wait_up  # noqa: E402

PAIRS = ("nob|nno", "nob|nno_e", "nno|nob", "nno|nno_e", "nno_e|nno")


def nn_texts(n: int, seed: int) -> list[str]:
    """Sentences of the dev split's nn side (or the nb ones: a normaliser takes any)."""
    if not DEV.is_file():
        return load_texts(n, seed)[0]
    with DEV.open(encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t")[1].strip() for line in f if "\t" in line]
    lines = [line for line in lines if len(line.split()) >= 3]
    return random.Random(seed).sample(lines, n)


def lost_stop(mine: dict, theirs: dict) -> bool:
    """omset's answer is APy's plus the full stop APy lost after a final number."""
    a = mine.get("responseData", {}).get("translatedText", "")
    b = theirs.get("responseData", {}).get("translatedText", "")
    return a == b + "." and b[-1:].isdigit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    nb, where = load_texts(args.n, args.seed)
    nn = nn_texts(args.n, args.seed)
    omset, omset_url = start_omset(1)
    apy, apy_url = start_apy(1)
    try:
        wait_up(omset_url, omset)
        wait_up(apy_url, apy)
        print(f"{args.n} texts per pair from {where}")
        with httpx.Client(timeout=300) as http:
            for pair in PAIRS:
                texts = nb if pair.startswith("nob") else nn
                for mark in ("yes", "no"):
                    same, dot, shown = 0, 0, 0
                    for text in texts:
                        params = {"langpair": pair, "q": text, "markUnknown": mark}
                        mine = http.get(omset_url, params=params).json()
                        theirs = http.get(apy_url, params=params).json()
                        if mine == theirs:
                            same += 1
                        elif lost_stop(mine, theirs):
                            dot += 1
                        elif shown < 3:
                            shown += 1
                            print(f"  {pair} {mark}: {text!r}\n    omset {mine}\n    apy   {theirs}")
                    print(f"{pair:10} markUnknown={mark:3}: {same}/{len(texts)} identical "
                          f"({same / len(texts):.1%}), {dot} differ only by APy's lost final "
                          f"full stop, {len(texts) - same - dot} otherwise", flush=True)
    finally:
        for proc in (omset, apy):
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
