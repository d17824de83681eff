"""Speed of each layer next to the core engine, side by side in one run.

    .venv/bin/python bench/layers_speed.py [--limit 1500] [--rounds 3] [--system NAME ...]

Translates the first ``--limit`` segments of the dev split (../shared; exits 2 without
it) with each system of bench/systems.py (default: ``omset-core`` and
``omset-nynorsk-news``, i.e. the core engine and every layer), taking turns round by
round so that a change in the machine's load hits all of them alike, and reports the
best round's words per second and its ratio to ``omset-core``. Each system's pipelines
are started and warmed before timing.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import DEV, load_pairs, shared_files  # noqa: E402
from systems import parse_spec  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--limit", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--system", action="append", default=None)
    args = ap.parse_args(argv)
    found = shared_files(args.shared, DEV)
    if found is None:
        return 2
    src, _ = load_pairs(found[0], args.limit)
    words = sum(len(s.split()) for s in src)
    names = args.system or ["omset-core", "omset-nynorsk-news"]
    best: dict[str, float] = {}
    with ExitStack() as stack:
        systems = {name: stack.enter_context(factory())
                   for name, factory in (parse_spec(n) for n in names)}
        for translate in systems.values():
            translate(src[:50])  # warm: pipelines started, caches filled
        for r in range(args.rounds):
            for name, translate in (systems.items() if r % 2 == 0 else reversed(systems.items())):
                t0 = time.perf_counter()
                translate(src)
                dt = time.perf_counter() - t0
                best[name] = min(best.get(name, dt), dt)
                print(f"round {r + 1}: {name}: {dt:.1f} s", file=sys.stderr)
    core = best.get(names[0])
    print(f"{len(src)} dev segments ({words} words), best of {args.rounds} rounds, systems "
          f"taking turns.\n")
    print(f"| system | best time | words/s | vs {names[0]} |")
    print("|---|---:|---:|---:|")
    for name in names:
        t = best[name]
        print(f"| {name} | {t:.1f} s | {words / t:.0f} | {core / t:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
