"""Soak: a real ``omset serve`` at ~80 % of its measured throughput for 30 minutes, mixed
request sizes, a random stage killed every minute — does anything grow, does anything go
wrong?

    .venv/bin/python bench/soak.py [--minutes 30] [--load 0.8] [--kill-every 60]
                                   [--sample-every 10] [--window 5] [--no-deterministic]

1. The service starts (both directions warm) and answers a reference pass: every text
   once, nothing killed (:class:`chaos.Reference`). Texts are sentences, paragraphs of
   four and articles of 24 sentences, both directions.
2. Throughput: 16 closed-loop clients for ``--measure`` seconds give requests/s.
3. Soak: requests arrive at ``--load`` × that rate (Poisson), each one checked against
   the reference; a random stage of a random pipeline is killed every ``--kill-every``
   seconds; every ``--sample-every`` seconds the service's process tree is sampled: RSS
   and PSS (the server's Python process, and all of it), open file descriptors and the
   number of processes.

Reported: the samples' means over the first and the last ``--window`` minutes and their
ratio (flat is 1.0), every answer's outcome (right, wrong, lost, over deadline), p50/p99,
and at the end the PSS of every pool (what docs/service.md lists).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import random
import statistics
import time
from collections import Counter, defaultdict

import httpx

from chaos import (KILLS, Reference, Tally, checked, closed_loop, kill_random_stage, memory_kib, open_fds,
                   pipelines, pool_of, serve, stop, texts_for, tree)

FIELDS = ("server RSS MB", "server PSS MB", "all RSS MB", "all PSS MB", "server fds",
          "all fds", "processes", "server threads")


def sample(root: int) -> dict[str, float]:
    """One look at the service's process tree."""
    pids = tree(root)
    rss, pss = memory_kib([root])
    all_rss, all_pss = memory_kib(pids)
    return {"server RSS MB": rss / 1024, "server PSS MB": pss / 1024,
            "all RSS MB": all_rss / 1024, "all PSS MB": all_pss / 1024,
            "server fds": open_fds([root]), "all fds": open_fds(pids), "processes": len(pids),
            "server threads": _threads(root), "load": os.getloadavg()[0]}


def _threads(pid: int) -> int:
    """Threads of a process: each one that allocates may get a malloc arena of its own."""
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def timeline(tally: Tally, samples: list[tuple[float, dict]], start: float,
             minutes: float, step: float) -> None:
    """Per ``step`` minutes: answers, how many were late or wrong, p99, the server's RSS
    and the machine's load — so late answers can be told apart from a busy machine."""
    print("| minutes | answers | over deadline | wrong or lost | p99 s | server RSS MB | load |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    t = 0.0
    while t < minutes:
        lo, hi = start + t * 60, start + (t + step) * 60
        got = [(o, took) for at, o, took in tally.events if lo <= at < hi]
        took = sorted(x for o, x in got if o == "right")
        p99 = took[min(len(took) - 1, int(0.99 * len(took)))] if took else float("nan")
        near = [s for at, s in samples if t * 60 <= at < (t + step) * 60]
        rss = statistics.mean(s["server RSS MB"] for s in near) if near else float("nan")
        load = max(s["load"] for s in near) if near else float("nan")
        print(f"| {t:g}–{t + step:g} | {len(got)} | {sum(o == 'over' for o, _ in got)} | "
              f"{sum(o in ('wrong', 'lost') for o, _ in got)} | {p99:.2f} | {rss:.1f} | "
              f"{load:.1f} |")
        t += step


def pool_pss(root: int) -> dict[str, tuple[int, float]]:
    """Pool → (pipelines, PSS MB) of the running pipelines."""
    out: dict[str, list[float]] = defaultdict(list)
    for pids in pipelines(root).values():
        out[pool_of(pids)].append(memory_kib(pids)[1] / 1024)
    return {k: (len(v), sum(v)) for k, v in sorted(out.items())}


def mixed_texts(n: int) -> list[str]:
    """Sentences and paragraphs (bench/service.py's mix) and some 24-sentence articles."""
    texts = texts_for(n)
    rng = random.Random(3)
    articles = [" ".join(rng.sample(texts, min(6, len(texts)))) for _ in range(max(2, n // 20))]
    return texts + articles


async def measure(base: str, ref: Reference, seconds: float, clients: int = 16) -> float:
    """Requests/s of ``clients`` closed loops over the reference requests."""
    tally = Tally("measure")
    await closed_loop(base, ref, tally, seconds, clients, 1)
    if tally.total != tally.right:
        raise SystemExit(f"measuring throughput: {tally.examples}")
    return tally.total / seconds


async def soak(base: str, root: int, ref: Reference, rate: float, args: argparse.Namespace
               ) -> tuple[Tally, list[tuple[float, dict]], Counter[str]]:
    rng = random.Random(args.seed)
    tally = Tally("soak")
    samples: list[tuple[float, dict]] = []
    killed: Counter[str] = Counter()
    requests = ref.requests()
    start = time.monotonic()
    stop_at = start + args.minutes * 60
    inflight: set[asyncio.Task] = set()
    most = [0]  # the most requests in flight at once

    async def killer() -> None:
        while True:
            await asyncio.sleep(args.kill_every)
            if time.monotonic() >= stop_at:
                return
            what = await asyncio.to_thread(kill_random_stage, root, rng)
            if args.verbose:
                print(f"#   {KILLS[-1] if KILLS else what}", flush=True)
            killed[what.split(" (")[0]] += 1

    async def sampler() -> None:
        while time.monotonic() < stop_at:
            samples.append((time.monotonic() - start, await asyncio.to_thread(sample, root)))
            await asyncio.sleep(args.sample_every)

    # no connection limit: a request waiting for a free connection in the client would
    # count its wait as the service's (a first run with 64 saw "200 after 43 s")
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=None,
                                                     max_keepalive_connections=64)) as http:
        background = [asyncio.create_task(killer()), asyncio.create_task(sampler())]
        next_at = time.monotonic()
        while time.monotonic() < stop_at:
            next_at += rng.expovariate(rate)
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(checked(http, base, ref, rng.choice(requests), tally))
            inflight.add(task)
            task.add_done_callback(inflight.discard)
            most[0] = max(most[0], len(inflight))
        await asyncio.gather(*inflight)
        for task in background:
            task.cancel()
    print(f"# most requests in flight at once: {most[0]}", flush=True)
    timeline(tally, samples, start, args.minutes, args.window)
    return tally, samples, killed


async def main_async(args: argparse.Namespace) -> None:
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}, {args.minutes:g} min at {args.load:.0%} of measured "
          f"throughput, a stage killed every {args.kill_every:g} s"
          + ("" if args.deterministic else ", --no-deterministic"), flush=True)
    proc, base = serve(args.workers, trace=args.trace, trace_every=args.trace_every,
                       deterministic=args.deterministic)
    try:
        ref = await Reference.build(base, mixed_texts(args.texts))
        rate = await measure(base, ref, args.measure)
        print(f"# reference: {len(ref.answers)} answers; throughput {rate:.1f} requests/s "
              f"(16 clients, {args.measure:g} s): soaking at {args.load * rate:.1f}/s",
              flush=True)
        lazy = pool_pss(proc.pid)
        tally, samples, killed = await soak(base, proc.pid, ref, args.load * rate, args)
        pools = pool_pss(proc.pid)
        alive = proc.poll() is None
    finally:
        stop(proc)
    span = args.window * 60
    end = samples[-1][0] if samples else 0
    first = [s for t, s in samples if t <= span]
    last = [s for t, s in samples if t >= end - span]
    print(f"| sampled every {args.sample_every:g} s | first {args.window:g} min | "
          f"last {args.window:g} min | last/first |")
    print("|---|---|---|---|")
    for f in FIELDS:
        a = statistics.mean(s[f] for s in first) if first else float("nan")
        b = statistics.mean(s[f] for s in last) if last else float("nan")
        print(f"| {f} | {a:.1f} | {b:.1f} | {b / a if a else float('nan'):.2f} |")
    print(f"requests: {tally.total} ({tally.total / (args.minutes * 60):.1f}/s): right "
          f"{tally.right}, wrong {tally.wrong}, lost {tally.lost}, over deadline {tally.over}; "
          f"p50 {tally.pct(50):.3f} s, p99 {tally.pct(99):.3f} s")
    if tally.reasons:
        print("lost or late, by reason: " + ", ".join(f"{k} ×{v}" for k, v in
                                                     tally.reasons.most_common()))
    for e in tally.examples:
        print(f"  {e}")
    for w in tally.wrongs:  # each printed when it came too; here all together
        print(w.report())
    print(f"killed ({sum(killed.values())}): " + ", ".join(f"{k} ×{v}" for k, v in
                                                         killed.most_common()))
    print("| pool | pipelines at start | PSS MB at start | pipelines at end | PSS MB at end |")
    print("|---|---|---|---|---|")
    for name in sorted(set(lazy) | set(pools)):
        a, b = lazy.get(name, (0, 0.0)), pools.get(name, (0, 0.0))
        print(f"| {name} | {a[0]} | {a[1]:.0f} | {b[0]} | {b[1]:.0f} |")
    print(f"server alive at the end: {alive}; load after: {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--load", type=float, default=0.8, help="share of measured throughput")
    ap.add_argument("--kill-every", type=float, default=60.0)
    ap.add_argument("--sample-every", type=float, default=10.0)
    ap.add_argument("--window", type=float, default=5.0, help="minutes compared, first/last")
    ap.add_argument("--measure", type=float, default=30.0, help="seconds of throughput test")
    ap.add_argument("--texts", type=int, default=200)
    ap.add_argument("--workers", type=int, help="the service's --workers")
    ap.add_argument("--seed", type=int, default=30)
    ap.add_argument("--trace", help="directory for tracemalloc snapshots of the server "
                    "(bench/traced_serve.py; compare them with `traced_serve.py compare DIR`)")
    ap.add_argument("--trace-every", type=float, default=120.0,
                    help="seconds between snapshots")
    ap.add_argument("--verbose", action="store_true", help="print every kill as it happens")
    ap.add_argument("--no-deterministic", dest="deterministic", action="store_false",
                    help="serve with --no-deterministic (answers may depend on history)")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
