"""What ``deterministic`` translation costs: the same dev lines through two translators
on one warm engine, ``deterministic=False`` and ``True``, alternating in one run; wall
time and the CPU of the whole process tree (this process, every pipeline process under
it, and the reaped ones: retired taggers, recycled pipelines — bench/service.py's
``tree_cpu``), and whether the answers are the same.

    .venv/bin/python bench/deterministic_cost.py [--limit 1000] [--rounds 3] [--direction nb-nn]
                                        [--style apertium] [--paragraphs]

``--paragraphs`` sends four dev lines as one segment (the soak's paragraphs) instead of
one. Needs ../shared (the dev split, read in place). Why it costs:
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import DEV, tree_cpu  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--direction", default="nb-nn", choices=("nb-nn", "nn-nb"))
    ap.add_argument("--style", default="apertium", help="'default': the product's style")
    ap.add_argument("--paragraphs", action="store_true")
    args = ap.parse_args()
    if not DEV.is_file():
        sys.exit(f"bench/deterministic_cost.py needs {DEV} (../shared)")
    from omset import Translator

    col = 0 if args.direction == "nb-nn" else 1
    with DEV.open(encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t")[col] for line in f][:args.limit]
    lines = ([" ".join(rows[i:i + 4]) for i in range(0, len(rows), 4)] if args.paragraphs
             else rows)
    source, target = args.direction.split("-")
    style = None if args.style == "default" else args.style
    if target == "nb" and style == "apertium":
        style = "bokmal-konservativ"  # nn→nb's plain-Apertium forms
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{args.direction}, style {style or 'default'}, {len(lines)} "
          f"{'paragraphs of 4 dev lines' if args.paragraphs else 'dev lines'}, "
          f"load {os.getloadavg()[0]:.1f}")
    wall: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    answers: dict[bool, list[str]] = {}
    with Translator(source, target, style=style, pool_size=2) as plain, \
            Translator(source, target, style=style, engine=plain.engine,
                       deterministic=True) as isolated:
        plain.translate_batch(lines[:50])  # warm
        for _ in range(args.rounds):
            for deterministic, tr in ((False, plain), (True, isolated)):
                c0, t0 = tree_cpu(os.getpid()), time.perf_counter()
                answers[deterministic] = tr.translate_batch(lines)
                wall[deterministic].append(time.perf_counter() - t0)
                cpu[deterministic].append(tree_cpu(os.getpid()) - c0)
    print("| deterministic | wall s (median) | CPU s (median) | ms CPU per segment |")
    print("|---|---:|---:|---:|")
    for k in (False, True):
        print(f"| {k} | {statistics.median(wall[k]):.2f} | {statistics.median(cpu[k]):.2f} | "
              f"{1000 * statistics.median(cpu[k]) / len(lines):.2f} |")
    print(f"ratio: wall {statistics.median(wall[True]) / statistics.median(wall[False]):.3f}×, "
          f"CPU {statistics.median(cpu[True]) / statistics.median(cpu[False]):.3f}×")
    same = sum(a == b for a, b in zip(answers[False], answers[True]))
    print(f"answers identical: {same} of {len(lines)}; load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
