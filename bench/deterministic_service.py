"""The service's throughput with and without ``--deterministic``: two real ``omset serve``
processes, one after the other, each measured by 16 closed-loop clients on the soak's
mix (sentences, four-sentence paragraphs, 24-sentence articles, both directions),
alternating A-B-B-A so a change in the shared machine's load hits both alike.

    .venv/bin/python bench/deterministic_service.py [--seconds 30] [--clients 16]

Needs ../shared for the soak's texts (falls back to the example article).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chaos import Reference, Tally, closed_loop, serve, stop  # noqa: E402
from soak import mixed_texts  # noqa: E402


async def measure(deterministic: bool, seconds: float, clients: int, texts: list[str]) -> float:
    proc, base = serve(deterministic=deterministic)
    try:
        ref = await Reference.build(base, texts)
        await closed_loop(base, ref, Tally("warm"), 5, clients, 2)
        tally = Tally("measure")
        await closed_loop(base, ref, tally, seconds, clients, 1)
        assert tally.wrong == tally.lost == 0, tally.examples
        return tally.total / seconds
    finally:
        stop(proc)


async def main_async(args: argparse.Namespace) -> None:
    texts = mixed_texts(args.texts)
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}; {args.clients} clients, {args.seconds:g} s each")
    rates: dict[bool, list[float]] = {False: [], True: []}
    for deterministic in (False, True, True, False):
        rate = await measure(deterministic, args.seconds, args.clients, texts)
        rates[deterministic].append(rate)
        print(f"deterministic={deterministic}: {rate:.1f} requests/s", flush=True)
    off, on = statistics.mean(rates[False]), statistics.mean(rates[True])
    print(f"mean: off {off:.1f}/s, on {on:.1f}/s, on/off {on / off:.3f}; "
          f"load after {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--texts", type=int, default=200)
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
