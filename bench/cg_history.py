"""Does Apertium answer a request the same whatever one warm process saw before it? For
``cg-proc`` (VISL CG-3) it does not: the cause of the one wrong answer of the quiet soak.

    .venv/bin/python bench/cg_history.py [--reps 16] [--batches 25] [--histories 200]

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
3. Random histories: ``--histories`` sequences of 0–30 dev texts (Nynorsk side), each
   holding one dev text with ``motsett`` (whose readings change the paragraph) at a
   random place, then the paragraph, through one ``cg-proc``; how many change its answer.

Parts 1 and 3 run with the ordinary lead (one sentence end) and with the isolating lead
of ``deterministic`` translation (:data:`omset.engine.stream.ISOLATING_LEAD`), part 2
with ``Translator(deterministic=False)`` and ``True``. Needs ../shared.
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
from service import DEV, load_texts  # noqa: E402

LEADS = {False: "lead 1", True: "isolating lead"}


def paragraphs() -> list[str]:
    """The soak's wrongly answered paragraph in Nynorsk, then its five longest others."""
    from omset import Translator

    nb = list(dict.fromkeys(load_texts(200, seed=7)[0]))
    nb.sort(key=lambda t: (not t.startswith(SOAK_WRONG_NB), -len(t)))
    with Translator("nb", "nn", pool_size=1) as tr:
        return tr.translate_batch(nb[:6])


def cg_input(texts: list[str], isolate: bool) -> tuple[str, list[bytes]]:
    """(the nno-nob main ``cg-proc`` command, its NUL-ended input for each text)."""
    from omset.engine.modes import stages
    from omset.engine.stream import encode

    mode = stages("nno-nob")
    cg_at = next(i for i, s in enumerate(mode) if s.program == "cg-proc" and "-w" in s.command)
    before = " | ".join(s.command for s in mode[:cg_at])
    data = b"".join(encode(t, isolate=isolate).encode() + b"\0" for t in texts)
    chunks = subprocess.run(["bash", "-c", before], input=data, capture_output=True,
                            check=True).stdout.split(b"\0")
    return mode[cg_at].command, [c + b"\0" for c in chunks[:len(texts)]]


def cg_alone(texts: list[str], reps: int, isolate: bool) -> None:
    from omset.engine.modes import system_library

    cg, chunks = cg_input(texts, isolate)
    para, others = chunks[0], b"".join(chunks[1:])
    jemalloc = system_library("libjemalloc.so.2")
    for label, command in (("glibc", cg), ("jemalloc", f"env LD_PRELOAD={jemalloc} {cg}")):
        if label == "jemalloc" and jemalloc is None:
            continue

        def run(history: bytes, command: str = command) -> bytes:
            out = subprocess.run(["bash", "-c", command], input=history + para,
                                 capture_output=True, check=True).stdout
            return out.split(b"\0")[history.count(b"\0")]

        alone = run(b"")
        differ = [r for r in range(reps) if run(others * r) != alone]
        print(f"| {cg.split(' ')[-1].strip(chr(39)).rsplit('/', 1)[-1]} "
              f"({label}, {LEADS[isolate]}) | {reps} | {len(differ)} | {differ} |", flush=True)
        if differ:
            a, b = alone.split(b"$"), run(others * differ[0]).split(b"$")
            for x, y in zip(a, b):
                if x != y:
                    print(f"|   | after {differ[0]} × the five others | `{x[-60:].decode()}$` "
                          f"| `{y[-60:].decode()}$` |")


def omset_batches(texts: list[str], batches: int, deterministic: bool) -> None:
    from omset import Translator

    with Translator("nn", "nb", pool_size=1, deterministic=deterministic) as tr:
        answers = [tr.translate_batch(texts)[0] for _ in range(batches)]
        restarts = tr.engine.restarts
    first = answers[0]
    other = [i for i, a in enumerate(answers) if a != first]
    print(f"omset (deterministic={deterministic}), one nn→nb pipeline, the same 6-paragraph "
          f"batch {batches} times, no kill "
          f"(restarts {restarts}): the paragraph's answer differs from the first in "
          f"{len(other)} batches {other}")
    if other:
        a, b = first.split(), answers[other[0]].split()
        print("  " + "; ".join(f"{x} → {y}" for x, y in zip(a, b) if x != y))


def random_histories(victim: str, count: int) -> None:
    """Part 3: ``count`` random histories, each with one ``motsett`` text in it."""
    import random

    rows = [line.rstrip("\n").split("\t") for line in DEV.open(encoding="utf-8")]
    nn = [r[1] for r in rows if len(r) > 1 and len(r[1].split()) >= 3]
    triggers = [t for t in nn if " motsett " in f" {t} "][:5]
    pool = random.Random(11).sample(nn, 300)
    rng = random.Random(5)
    histories = []
    for _ in range(count):
        h = [rng.choice(pool) for _ in range(rng.randint(0, 30))]
        h.insert(rng.randint(0, len(h)), rng.choice(triggers))
        histories.append(h)
    texts = list(dict.fromkeys([victim, *triggers, *pool]))
    for isolate in (False, True):
        cg, chunks = cg_input(texts, isolate)
        chunk = dict(zip(texts, chunks))

        def run(history: list[str], cg: str = cg, chunk: dict[str, bytes] = chunk) -> bytes:
            out = subprocess.run(["bash", "-c", cg], capture_output=True, check=True,
                                 input=b"".join(chunk[t] for t in history) + chunk[victim]).stdout
            return out.split(b"\0")[len(history)]

        alone = run([])
        changed = sum(run(h) != alone for h in histories)
        print(f"{LEADS[isolate]}: {changed} of {count} random histories with a `motsett` text "
              f"change the paragraph's answer", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=16)
    ap.add_argument("--batches", type=int, default=25)
    ap.add_argument("--histories", type=int, default=200)
    args = ap.parse_args()
    if not DEV.is_file():
        sys.exit(f"bench/cg_history.py needs {DEV} (../shared)")
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}")
    texts = paragraphs()
    print("| cg-proc grammar | histories tried | outputs ≠ alone | r (× five others before) |")
    print("|---|---:|---:|---|")
    for isolate in (False, True):
        cg_alone(texts, args.reps, isolate)
    for deterministic in (False, True):
        omset_batches(texts, args.batches, deterministic)
    random_histories(texts[0], args.histories)
    print(f"# load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
