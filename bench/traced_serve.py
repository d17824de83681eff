"""``omset serve`` with :mod:`tracemalloc` on, for finding what grows in the server's own
Python process (issue 16: its RSS rose 97.9 → 139.7 MB over a 30-minute soak).

    python bench/traced_serve.py serve --port 8000 ...     # any `omset serve` arguments
    python bench/traced_serve.py compare DIR               # what grew between snapshots

A bench tool, not a product option: with ``$OMSET_BENCH_TRACE_DIR`` set, the server
starts :mod:`tracemalloc` (``$OMSET_BENCH_TRACE_FRAMES`` frames a traceback, 10) and
every ``$OMSET_BENCH_TRACE_EVERY`` seconds (120) writes to that directory a snapshot
(``snap-N.pickle``), and a line of ``totals.tsv``: seconds since start, the traced
total, the process's RSS, the number of objects the garbage collector tracks, and of
the commonest types. ``bench/soak.py --trace DIR`` starts the service this way.

``compare`` prints, for consecutive snapshots and first → last, the tracebacks whose
allocations grew most (``Snapshot.compare_to(..., "traceback")``), and the totals.
"""

from __future__ import annotations

import gc
import os
import runpy
import sys
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _dump_forever(folder: Path, every: float) -> None:
    start = time.monotonic()
    n = 0
    with open(folder / "totals.tsv", "w") as totals:
        totals.write("seconds\ttraced MB\tRSS MB\tgc objects\tcommonest types\n")
        while True:
            time.sleep(every)
            snap = tracemalloc.take_snapshot()
            snap.dump(str(folder / f"snap-{n}.pickle"))
            objects = gc.get_objects()
            types = Counter(type(o).__name__ for o in objects).most_common(12)
            del objects
            current, _ = tracemalloc.get_traced_memory()
            totals.write(f"{time.monotonic() - start:.0f}\t{current / 2**20:.2f}\t"
                         f"{_rss_mb():.1f}\t{sum(c for _, c in types)}\t"
                         f"{' '.join(f'{t}={c}' for t, c in types)}\n")
            totals.flush()
            n += 1


def serve(argv: list[str]) -> None:
    folder = os.environ.get("OMSET_BENCH_TRACE_DIR")
    if folder:
        tracemalloc.start(int(os.environ.get("OMSET_BENCH_TRACE_FRAMES", "10")))
        Path(folder).mkdir(parents=True, exist_ok=True)
        threading.Thread(target=_dump_forever, daemon=True, name="trace-dump",
                         args=(Path(folder),
                               float(os.environ.get("OMSET_BENCH_TRACE_EVERY", "120")))).start()
    sys.argv = ["omset", "serve", *argv]
    runpy.run_module("omset", run_name="__main__", alter_sys=True)


def compare(folder: Path, top: int = 12) -> None:
    snaps = sorted(folder.glob("snap-*.pickle"), key=lambda p: int(p.stem.split("-")[1]))
    print((folder / "totals.tsv").read_text())
    loaded = [tracemalloc.Snapshot.load(str(p)) for p in snaps]
    loaded = [s.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
              for s in loaded]
    pairs = list(zip(loaded, loaded[1:], snaps[1:]))
    if len(loaded) > 2:
        pairs.append((loaded[0], loaded[-1], Path("first → last")))
    for old, new, name in pairs:
        print(f"## {name.stem if name.suffix else name}: top growth by traceback")
        for stat in new.compare_to(old, "traceback")[:top]:
            print(f"{stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks "
                  f"(now {stat.size / 1024:.1f} KiB)")
            for line in stat.traceback.format(limit=6):
                print("    " + line)


if __name__ == "__main__":
    if sys.argv[1:2] == ["compare"]:
        compare(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 12)
    elif sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
