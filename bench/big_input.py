"""A very large text through ``omset translate`` in bounded memory: 100 MB and 1 GB.

    .venv/bin/python bench/big_input.py [--sizes 100,1000] [--dir /tmp] [--args=--no-rules]

The engine is a fast stand-in that speaks the pipeline protocol (``cat`` in every role,
:mod:`tests.stand_in_cli`), so what is measured is omset itself — reading the file as
it goes, segmenting, the stream format, the pools with their back-pressure, the style
layer, writing — without Apertium's own speed (~10,000× slower) in the way. The input
is written here: news-like paragraphs of varied sentences, blank lines between them.

``--args`` are added to ``omset translate``'s command line; by default ``--no-rules``:
the post-edit rules align every segment's words with its source (omset.align, a
dynamic programme of up to 250,000 cells per segment), which made the stand-in run 18×
slower (0.012 against 0.21 MB/s on a loaded machine) without changing what is measured
here — that memory stays bounded.

Per size: seconds, MB/s, the omset process's peak RSS (VmHWM) and its RSS at 10 % and
90 % of the run (flat means bounded), and whether the output equals the input (the
stand-in translates nothing). The baseline is ``cat`` copying the same file — the floor
any streaming tool has — timed in the same run, and the ratio to it.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.stand_in_cli import run  # noqa: E402  the stand-in CLI

WORDS = ("regjeringen kommunen skolen bedrifter pasientene ventetiden tallene rapporten "
         "vil kan skal må har er ble kommer viser senke øke vente investere hente legge "
         "ny store flere nye siste norske hele kraftig lenger i på for til av med om fra "
         "og men som da når etter enn før").split()


def write_text(path: Path, mb: int, seed: int = 1) -> None:
    """``mb`` MB of paragraphs; generated once per size, then reused."""
    if path.exists() and path.stat().st_size >= mb * 10**6:
        return
    rng = random.Random(seed)
    block = []
    for _ in range(400):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18))).capitalize()
                     + rng.choice(".!?") for _ in range(rng.randint(1, 8))]
        block.append(" ".join(sentences) + "\n" + ("\n" if rng.random() < 0.8 else ""))
    chunk = "".join(block).encode()
    with path.open("wb") as f:
        written = 0
        while written < mb * 10**6:
            f.write(chunk)
            written += len(chunk)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000", help="MB, comma-separated")
    ap.add_argument("--dir", type=Path, default=Path("/tmp"))
    ap.add_argument("--args", default="--no-rules", help="more omset translate options")
    args = ap.parse_args()
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}, omset translate … {args.args}", flush=True)
    print("| input | omset translate | MB/s | peak RSS | RSS at 10 % / 90 % of the run | "
          "output = input | cat (baseline) | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for mb in (int(s) for s in args.sizes.split(",")):
        src = args.dir / f"omset-big-{mb}MB.nb.txt"
        dst = args.dir / f"omset-big-{mb}MB.nn.txt"
        write_text(src, mb)
        size = src.stat().st_size / 10**6
        start = time.monotonic()
        with dst.open("wb") as out:
            subprocess.run(["cat", str(src)], stdout=out, check=True)
        floor = time.monotonic() - start
        code, took, peak, samples = run(["translate", str(src), "-o", str(dst), "-s", "nb",
                                         "-t", "nn", *args.args.split()], sample_every=1.0)
        same = code == 0 and filecmp.cmp(src, dst, shallow=False)
        early = samples[len(samples) // 10] if samples else float("nan")
        late = samples[len(samples) * 9 // 10] if samples else float("nan")
        print(f"| {size:.0f} MB | {took:.0f} s (exit {code}) | {size / took:.2f} | "
              f"{peak:.0f} MB | {early:.0f} / {late:.0f} MB | {same} | {floor:.1f} s | "
              f"{took / max(floor, 1e-3):.0f}× |", flush=True)
        dst.unlink(missing_ok=True)
    print(f"# load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
