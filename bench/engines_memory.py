"""What a service with every built-in style holds: processes and PSS per pool.

    .venv/bin/python bench/engines_memory.py [--workers 2]

Starts the service's engine registry (``omset.server.engines.Engines``), asks for a
translator of every built-in nb→nn style (six of them, three with participle agreement
on) plus nn→nb, translates a sentence that makes agreement ask the generator with each,
and prints every pool the registry runs with its process count and PSS (from
/proc/PID/smaps_rollup). One Engine per direction means one generator helper per
direction, however many styles: the figure docs/service.md quotes. Needs no ../shared.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from omset.server.engines import Engines  # noqa: E402
from omset.style import builtin_names, load  # noqa: E402

SENTENCE = "Flere av dem ble skadet da fastlegen ringte."


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
          f"{os.cpu_count()} CPUs; load {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    engines = Engines(workers=args.workers, timeout=60, default_style=None)
    try:
        styles = [s for s in builtin_names() if load(s).language == "nn"]  # nb→nn ones
        for style in styles:
            tr = engines.translator("nb", "nn", style=style)
            tr.engine.warm_up()
            tr.translate(SENTENCE, glossary={"fastlege": "fastlækjar"})
        engines.translator("nn", "nb").translate("Fleire av dei vart skadde.")
        print(f"{len(styles)} nb→nn styles ({', '.join(styles)}) and nn→nb\n")
        print(f"{'pool':24} {'pipelines':>9} {'processes':>9} {'PSS MB':>8}")
        total_p = total_mb = 0.0
        generators = 0
        for name, pool in engines.pools():
            pids = [pid for p in pool.pipelines for pid in p.pids]
            mb = pss_mb(pids)
            total_p += len(pids)
            total_mb += mb
            generators += name.endswith("-generator")
            print(f"{name:24} {pool.running:>9} {len(pids):>9} {mb:>8.0f}")
        print(f"{'total':24} {'':>9} {int(total_p):>9} {total_mb:>8.0f}")
        print(f"\ngenerator helpers: {generators} (one per direction that asks for one)")
    finally:
        engines.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
