"""Does Apertium answer a request the same whatever one warm process saw before it? For
``cg-proc`` (VISL CG-3) it does not: the cause of the one wrong answer of the quiet soak.

    .venv/bin/python bench/cg_history.py [--reps 16] [--batches 25]

1. Apertium alone, no omset process in the loop: the soak's paragraph that came back
   wrong (nn→nb, "Frå neste år får alle grunnskular …", read in place from NorBench dev)
   and five other paragraphs of the soak are run through the nno-nob stages before
   ``cg-proc -z nno-nob.rlx.bin`` once; then one ``cg-proc`` process reads the five
   others ``r`` times and then the paragraph, for r = 0 … ``--reps`` − 1, and its output
   for the paragraph is compared with what a fresh ``cg-proc`` writes for it alone. The
   same with ``cg-proc`` under jemalloc (addresses differ; the history does not).
2. omset, no kill: one nn→nb translator (one pipeline, never killed) translates the six
   paragraphs as one batch ``--batches`` times; how often the paragraph's answer is not
   the first one, and how.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kill_inflight import SOAK_WRONG_NB  # noqa: E402
from service import load_texts  # noqa: E402


def paragraphs() -> list[str]:
    """The soak's wrongly answered paragraph in Nynorsk, then its five longest others."""
    from omset import Translator

    nb = list(dict.fromkeys(load_texts(200, seed=7)[0]))
    nb.sort(key=lambda t: (not t.startswith(SOAK_WRONG_NB), -len(t)))
    with Translator("nb", "nn", pool_size=1) as tr:
        return tr.translate_batch(nb[:6])


def cg_alone(texts: list[str], reps: int) -> None:
    from omset.engine.modes import stages, system_library
    from omset.engine.stream import encode

    mode = stages("nno-nob")
    cg_at = next(i for i, s in enumerate(mode) if s.program == "cg-proc" and "-w" in s.command)
    before = " | ".join(s.command for s in mode[:cg_at])
    data = b"".join(encode(t).encode() + b"\0" for t in texts)
    chunks = subprocess.run(["bash", "-c", before], input=data, capture_output=True,
                            check=True).stdout.split(b"\0")
    para, others = chunks[0] + b"\0", b"".join(c + b"\0" for c in chunks[1:len(texts)])
    jemalloc = system_library("libjemalloc.so.2")
    for label, command in (("glibc", mode[cg_at].command),
                           ("jemalloc", f"env LD_PRELOAD={jemalloc} {mode[cg_at].command}")):
        if label == "jemalloc" and jemalloc is None:
            continue

        def run(history: bytes, command: str = command) -> bytes:
            out = subprocess.run(["bash", "-c", command], input=history + para,
                                 capture_output=True, check=True).stdout
            return out.split(b"\0")[history.count(b"\0")]

        alone = run(b"")
        differ = [r for r in range(reps) if run(others * r) != alone]
        print(f"| {mode[cg_at].command.split(' ')[-1].strip(chr(39)).rsplit('/', 1)[-1]} "
              f"({label}) | {reps} | {len(differ)} | {differ} |", flush=True)
        if differ:
            a, b = alone.split(b"$"), run(others * differ[0]).split(b"$")
            for x, y in zip(a, b):
                if x != y:
                    print(f"|   | after {differ[0]} × the five others | `{x[-60:].decode()}$` "
                          f"| `{y[-60:].decode()}$` |")


def omset_batches(texts: list[str], batches: int) -> None:
    from omset import Translator

    with Translator("nn", "nb", pool_size=1) as tr:
        answers = [tr.translate_batch(texts)[0] for _ in range(batches)]
        restarts = tr.engine.restarts
    first = answers[0]
    other = [i for i, a in enumerate(answers) if a != first]
    print(f"omset, one nn→nb pipeline, the same 6-paragraph batch {batches} times, no kill "
          f"(restarts {restarts}): the paragraph's answer differs from the first in "
          f"{len(other)} batches {other}")
    if other:
        a, b = first.split(), answers[other[0]].split()
        print("  " + "; ".join(f"{x} → {y}" for x, y in zip(a, b) if x != y))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=16)
    ap.add_argument("--batches", type=int, default=25)
    args = ap.parse_args()
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}")
    texts = paragraphs()
    print("| cg-proc grammar | histories tried | outputs ≠ alone | r (× five others before) |")
    print("|---|---:|---:|---|")
    cg_alone(texts, args.reps)
    omset_batches(texts, args.batches)
    print(f"# load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
