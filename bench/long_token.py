"""One sentence holding one very long "word": omset (which passes tokens over
``MAX_TOKEN_CHARS`` through protected) next to the Apertium CLI on the same text, in one
run.

    .venv/bin/python bench/long_token.py [--sizes 10000,20000,40000]

``lt-proc`` is super-linear on a long token, so the CLI's time grows much faster than
the token; omset's should stay that of a short sentence. The token is random consonants,
none twice in a row (Apertium shortens runs of three). Wall seconds; the CLI includes
its start-up (~0.3 s), omset runs warm.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import time

from omset import Translator


def token(size: int, seed: int = 16) -> str:
    rng = random.Random(seed)
    letters = ["b"]
    while len(letters) < size:
        c = rng.choice("bcdfghjklmnprstv")
        if c != letters[-1]:
            letters.append(c)
    return "".join(letters)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,20000,40000")
    args = ap.parse_args()
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"load {os.getloadavg()[0]:.1f}")
    print("| token | apertium -u nob-nno_e | omset (warm) | ratio | token kept |")
    print("|---|---|---|---|---|")
    with Translator("nb", "nn", style="apertium", pool_size=1) as tr:
        tr.translate("Vi kommer hjem.")
        for size in map(int, args.sizes.split(",")):
            text = f"Vi kommer hjem med {token(size)} i morgen."
            start = time.monotonic()
            subprocess.run(["apertium", "-u", "nob-nno_e"], input=text, text=True,
                           capture_output=True, check=True)
            cli = time.monotonic() - start
            start = time.monotonic()
            out = tr.translate(text)
            ours = time.monotonic() - start
            print(f"| {size // 1000} kB | {cli:.2f} s | {ours:.3f} s | {ours / cli:.3f}× | "
                  f"{token(size) in out} |", flush=True)
    print(f"# load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
