"""What the segment lead costs: the same dev lines through one warm translator with a
lead of one sentence end (before session 5) and of ``LEAD_SENTENCES`` (now), alternating
in one run; wall time and the CPU of the whole process tree (this process and every
pipeline process under it).

    .venv/bin/python bench/lead_cost.py [--limit 1000] [--rounds 3] [--direction nb-nn]

Needs ../shared (the dev split's lines, read in place). Why the lead is long:
omset/engine/stream.py and docs/engine.md ("cg-proc keeps state").
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import DEV  # noqa: E402


def tree_cpu() -> float:
    """CPU seconds of this process and all its live descendants."""
    me = psutil.Process()
    total = 0.0
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--direction", default="nb-nn", choices=("nb-nn", "nn-nb"))
    args = ap.parse_args()
    if not DEV.is_file():
        sys.exit(f"bench/lead_cost.py needs {DEV} (../shared)")
    from omset import Translator
    from omset.engine import stream

    col = 0 if args.direction == "nb-nn" else 1
    with DEV.open(encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t")[col] for line in f][:args.limit]
    source, target = args.direction.split("-")
    leads = {1: ".[]", stream.LEAD_SENTENCES: stream.LEAD}
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{args.direction}, {len(lines)} dev lines, load {os.getloadavg()[0]:.1f}")
    wall: dict[int, list[float]] = {k: [] for k in leads}
    cpu: dict[int, list[float]] = {k: [] for k in leads}
    answers: dict[int, list[str]] = {}
    with Translator(source, target, style="apertium", pool_size=2) as tr:
        tr.translate_batch(lines[:50])  # warm
        for _ in range(args.rounds):
            for k, lead in leads.items():
                stream.LEAD = lead
                c0, t0 = tree_cpu(), time.perf_counter()
                answers[k] = tr.translate_batch(lines)
                wall[k].append(time.perf_counter() - t0)
                cpu[k].append(tree_cpu() - c0)
    stream.LEAD = leads[stream.LEAD_SENTENCES]
    one, many = 1, stream.LEAD_SENTENCES
    print("| lead | wall s (median) | CPU s (median) | ms CPU per line |")
    print("|---:|---:|---:|---:|")
    for k in leads:
        print(f"| {k} | {statistics.median(wall[k]):.2f} | {statistics.median(cpu[k]):.2f} | "
              f"{1000 * statistics.median(cpu[k]) / len(lines):.2f} |")
    print(f"ratio {many}/{one}: wall {statistics.median(wall[many]) / statistics.median(wall[one]):.3f}×, "
          f"CPU {statistics.median(cpu[many]) / statistics.median(cpu[one]):.3f}×")
    same = sum(a == b for a, b in zip(answers[one], answers[many]))
    print(f"answers identical: {same} of {len(lines)}; load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
