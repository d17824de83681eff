"""Stages killed under load: a real ``omset serve``, 16 clients, a random stage of a random
pipeline killed with SIGKILL every 5 s — against the same service, same run, no kills.

    .venv/bin/python bench/faults.py [--seconds 120] [--clients 16] [--every 5] [--texts 200]
                                       [--no-deterministic]

The phases run A-B-B-A (no kills, kills, kills, no kills; ``--seconds`` is each mode's
total), so a change in the shared machine's load hits both modes alike. Every answer is
checked against the service's own answers from a sequential pass before the first kill
(:class:`chaos.Reference`), in both directions (nb→nn, and nn→nb of those answers, so
every pool carries load). ``/healthz`` is polled every 0.5 s throughout.

Reported per mode: requests, lost (no answer or a status other than 200/504), wrong (an
answer that differs), over deadline (504, or later than ``--timeout`` + 1 s/20 kB), p50/
p99 latency, and the ratio p99 with kills / p99 without; ``/healthz`` answers that were
not 200; the stages killed. Targets (issue 16): 0 lost, 0 wrong, 0 over deadline, p99
at most 2× the run without kills, ``/healthz`` 200 throughout.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import time
from collections import Counter

from chaos import (KILLS, Health, Reference, Tally, closed_loop, kill_random_stage, serve, stop,
                   texts_for)


async def phase(base: str, ref: Reference, tally: Tally, seconds: float, clients: int,
                rng: random.Random, kill_every: float | None, root: int,
                killed: Counter[str], verbose: bool = False) -> None:
    """``clients`` closed loops for ``seconds``; a stage killed every ``kill_every`` s."""
    stop_at = time.monotonic() + seconds

    async def killer() -> None:
        assert kill_every is not None
        while True:
            await asyncio.sleep(kill_every)
            if time.monotonic() >= stop_at:
                return
            what = await asyncio.to_thread(kill_random_stage, root, rng)
            if verbose:
                print(f"#   {KILLS[-1] if KILLS else what}", flush=True)
            killed[what.split(" (")[0]] += 1

    await closed_loop(base, ref, tally, seconds, clients, rng.randrange(1 << 20),
                      *([killer()] if kill_every else []))


async def main_async(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}, {args.clients} clients, {args.seconds:g} s per mode, "
          f"a stage killed every {args.every:g} s", flush=True)
    proc, base = serve(args.workers, log=args.log, deterministic=args.deterministic)
    try:
        t0 = time.monotonic()
        ref = await Reference.build(base, texts_for(args.texts))
        print(f"# reference: {len(ref.answers)} answers in {time.monotonic() - t0:.0f} s",
              flush=True)
        calm, chaos = Tally("no kills"), Tally("kills")
        killed: Counter[str] = Counter()
        health = Health()
        stop_health = asyncio.Event()
        poller = asyncio.create_task(health.poll(base, stop_health))
        half = args.seconds / 2
        for tally in (calm, chaos, chaos, calm):
            await phase(base, ref, tally, half, args.clients, rng,
                        args.every if tally is chaos else None, proc.pid, killed,
                        verbose=args.log is not None)
            print(f"#   {tally.name}: {tally.total} requests so far", flush=True)
        stop_health.set()
        await poller
        alive = proc.poll() is None
    finally:
        stop(proc)
    print("| mode | requests | lost | wrong | over deadline | p50 | p99 |")
    print("|---|---|---|---|---|---|---|")
    for t in (calm, chaos):
        print(f"| {t.name} | {t.total} | {t.lost} | {t.wrong} | {t.over} | "
              f"{t.pct(50):.3f} s | {t.pct(99):.3f} s |")
    ratio = chaos.pct(99) / calm.pct(99)
    print(f"p99 kills / no kills: {ratio:.2f}×")
    print(f"/healthz: {len(health.statuses)} polls, {health.bad} not 200, slowest "
          f"{max(health.times, default=0):.2f} s" + (f"; {health.failures}" if health.bad else ""))
    print(f"killed ({sum(killed.values())}): " + ", ".join(f"{k} ×{v}" for k, v in
                                                         killed.most_common()))
    for t in (calm, chaos):
        for e in t.examples:
            print(f"  {t.name}: {e}")
        for w in t.wrongs:
            print(w.report())
    print(f"server alive at the end: {alive}; load after: {os.getloadavg()[0]:.1f}")
    ok = (chaos.lost + chaos.wrong + chaos.over + calm.lost + calm.wrong + calm.over == 0
          and ratio <= 2 and health.bad == 0 and alive)
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=120.0, help="per mode (kills / none)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--every", type=float, default=5.0, help="seconds between kills")
    ap.add_argument("--texts", type=int, default=200)
    ap.add_argument("--workers", type=int, help="the service's --workers")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--no-deterministic", dest="deterministic", action="store_false",
                    help="serve with --no-deterministic (answers may depend on history)")
    ap.add_argument("--log", help="the service's log (info level) to this file; kills and "
                                  "failures are printed as they happen")
    raise SystemExit(asyncio.run(main_async(ap.parse_args())))


if __name__ == "__main__":
    main()
