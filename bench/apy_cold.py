"""The first APy request after start-up, with and without ``omset serve --warm-apy``.

    .venv/bin/python bench/apy_cold.py [--workers 2] [--settle 20] [--runs 1]

APy's default request (``markUnknown=yes``) runs on engines that keep unknown-word
marks: pipelines of their own that start on first use, so without ``--warm-apy`` an APy
client's first request pays their start. Per mode: seconds until ``/healthz`` answers
200 (readiness: ``--warm-apy`` must not delay it), then — after ``--settle`` seconds, the
same in both modes, time for a background warm-up to finish — the first APy
``/translate`` (nob|nno) and the first nno|nob, then the same requests again (warm: the
baseline), and the ratio of first to again.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.integration.webserver import serve  # noqa: E402  a real omset serve

TEXT = {"nob|nno": "Vi kommer hjem i morgen, og da skal vi spise middag.",
        "nno|nob": "Me kjem heim i morgon, og då skal me eta middag."}


def _apy(base: str, pair: str) -> float:
    start = time.monotonic()
    r = httpx.get(base + "translate", params={"langpair": pair, "q": TEXT[pair]}, timeout=300)
    r.raise_for_status()
    return time.monotonic() - start


def measure(workers: int, settle: float, warm: bool) -> tuple[float, dict[str, float], dict[str, float]]:
    """(seconds to ready, first request per pair, again per pair)."""
    args = ["--workers", str(workers), "--timeout", "300", "--log-level", "warning"]
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, \
            serve(Path(tmp) / "serve.log", *args, *(["--warm-apy"] if warm else []),
                  wait=300) as base:
        ready = time.monotonic() - start
        time.sleep(settle)
        first = {pair: _apy(base, pair) for pair in TEXT}
        again = {pair: _apy(base, pair) for pair in TEXT}
    return ready, first, again


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--settle", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}, --workers {args.workers}, settle {args.settle:g} s")
    print("| omset serve | ready (/healthz 200) | first nob→nno | again | first nno→nob | again "
          "| first / again |")
    print("|---|---|---|---|---|---|---|")
    for _ in range(args.runs):
        for warm in (False, True):
            ready, first, again = measure(args.workers, args.settle, warm)
            ratio = sum(first.values()) / sum(again.values())
            print(f"| {'--warm-apy' if warm else 'default'} | {ready:.1f} s | "
                  f"{first['nob|nno']:.2f} s | {again['nob|nno']:.2f} s | "
                  f"{first['nno|nob']:.2f} s | {again['nno|nob']:.2f} s | {ratio:.1f}× |",
                  flush=True)
    print(f"# load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
