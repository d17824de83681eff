"""Side-by-side service benchmark: `omset serve` against Apertium APy, on loopback.

Both servers get the same requests — APy's own `GET /translate?langpair=nob|nno_e&q=…
&markUnknown=no`, which omset also answers — from 16 concurrent clients for a fixed time,
in rounds whose order rotates (so a change in the machine's load hits every server). Texts are the
Bokmål side of NorBench's dev split, read in place: single sentences and paragraphs of
four. Reported: requests/s, words/s, p50/p99 latency, errors, the CPU time each server
(with all its pipeline processes) spent per 1000 words — the figure that does not depend
on how loaded the machine is — and omset/APy ratios.

    .venv/bin/python bench/service.py                     # 2 rounds × 30 s each
    .venv/bin/python bench/service.py --seconds 10 --rounds 1
    .venv/bin/python bench/service.py --apy-pipes 2             # APy tuned only
    .venv/bin/python bench/service.py --also glibc:OMSET_MALLOC=system  # an omset variant

APy is the `apertium-apy` package (`pip install -e '.[bench]'`), started on
/usr/share/apertium twice by default: as shipped (one pipeline per pair, the baseline the
issue names: `apertium-apy /usr/share/apertium`) and tuned to as many pipelines per pair
as omset has workers (`-i`/`-n`), which lets it use every core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "parallel" / "norbench_npk_maalfrid.dev.nb-nn.tsv"
FALLBACK = ROOT / "examples" / "artikkel.nb.txt"


def load_texts(n: int, seed: int = 7) -> tuple[list[str], str]:
    """Sentences and four-sentence paragraphs; says where they came from."""
    if DEV.is_file():
        with DEV.open(encoding="utf-8") as f:
            lines = [line.split("\t", 1)[0].strip() for line in f]
        where = f"{DEV.name} (nb side, read in place)"
    else:
        print(f"bench/service.py: {DEV} is ABSENT; using {FALLBACK.name} instead",
              file=sys.stderr)
        lines = FALLBACK.read_text(encoding="utf-8").splitlines()
        where = f"{FALLBACK} (fallback: {DEV.name} absent)"
    lines = [line for line in lines if len(line.split()) >= 3]
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        if rng.random() < 0.7:
            texts.append(rng.choice(lines))
        else:
            start = rng.randrange(max(1, len(lines) - 4))
            texts.append(" ".join(lines[start:start + 4]))
    return texts, where


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: {url}")
        try:
            r = httpx.get(url, params={"langpair": "nob|nno_e", "q": "Jeg kommer.",
                                       "markUnknown": "no"}, timeout=30)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server did not come up: {url}")


def start_omset(workers: int, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "omset", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(workers),
                             "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    return proc, f"http://127.0.0.1:{port}/translate"


def start_apy(pipes: int) -> tuple[subprocess.Popen, str]:
    exe = shutil.which("apertium-apy", path=str(Path(sys.executable).parent)) \
        or shutil.which("apertium-apy")
    if exe is None:
        raise SystemExit("apertium-apy is not installed: .venv/bin/pip install -e '.[bench]'")
    port = free_port()
    proc = subprocess.Popen([exe, "-p", str(port), "-i", str(pipes), "-n", str(pipes),
                             "-j", "1", "/usr/share/apertium"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}/translate"


def process_cpu(pid: int) -> float:
    """CPU seconds used so far by one process itself (all its threads, no children)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by a process and all its descendants (live ones, plus the
    reaped children each has waited for): the server's whole cost, pipelines included."""
    parent: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parent[pid] = int(fields[1])
        times[pid] = sum(int(x) for x in fields[11:15]) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(p for p, pp in parent.items() if pp == pid)
    return total


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    words: int = 0
    errors: int = 0
    cpu: float = 0.0  # CPU seconds the server (with its pipelines) used
    cpu_main: float = 0.0  # of which the server's own process (Python, HTTP, threads)

    @property
    def cpu_per_kword(self) -> float:
        return 1000 * self.cpu / self.words if self.words else float("nan")

    @property
    def main_share(self) -> float:
        return self.cpu_main / self.cpu if self.cpu else float("nan")

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def wps(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


async def drive(url: str, texts: list[str], clients: int, seconds: float, run: Run,
                max_requests: int = 1_000_000) -> None:
    """``clients`` loops, each sending one request after the other until time is up."""
    stop_at = time.monotonic() + seconds
    counter = iter(range(max_requests))  # a hard bound on the loop, whatever happens

    async def client(i: int, http: httpx.AsyncClient) -> None:
        for n in counter:
            if time.monotonic() >= stop_at:
                return
            text = texts[(n * 7919 + i) % len(texts)]
            t0 = time.perf_counter()
            try:
                r = await http.get(url, params={"langpair": "nob|nno_e", "q": text,
                                                "markUnknown": "no"})
                ok = r.status_code == 200 and "translatedText" in r.text
            except httpx.HTTPError:
                ok = False
            dt = time.perf_counter() - t0
            if ok:
                run.latencies.append(dt)
                run.words += len(text.split())
            else:
                run.errors += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        t0 = time.monotonic()
        await asyncio.gather(*(client(i, http) for i in range(clients)))
        run.seconds = time.monotonic() - t0


def measure(name: str, url: str, pid: int, texts: list[str], clients: int, seconds: float,
            warmup: float) -> Run:
    asyncio.run(drive(url, texts, clients, warmup, Run("warm-up")))
    run = Run(name)
    cpu0, main0 = tree_cpu(pid), process_cpu(pid)
    asyncio.run(drive(url, texts, clients, seconds, run))
    run.cpu = tree_cpu(pid) - cpu0
    run.cpu_main = process_cpu(pid) - main0
    return run


def merge(name: str, runs: list[Run]) -> Run:
    out = Run(name)
    for r in runs:
        out.seconds += r.seconds
        out.latencies += r.latencies
        out.words += r.words
        out.errors += r.errors
        out.cpu += r.cpu
        out.cpu_main += r.cpu_main
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                    help="omset --workers (pipelines per direction)")
    ap.add_argument("--apy-pipes", type=int, action="append", default=None,
                    help="APy -i/-n, pipelines per pair; repeat it to measure APy so "
                         "configured too, in the same rounds (default: APy as shipped, one "
                         "pipeline, and APy with as many pipelines as --workers)")
    ap.add_argument("--also", action="append", default=[], metavar="NAME:VAR=VALUE,...",
                    help="one more omset server, started with these environment variables "
                         "and measured in the same rounds (e.g. glibc:OMSET_MALLOC=system)")
    args = ap.parse_args()
    extra = {}
    for spec in args.also:
        name, _, assignments = spec.partition(":")
        extra[name] = dict(a.split("=", 1) for a in assignments.split(",") if a)

    texts, where = load_texts(4000)
    apy_pipes = list(dict.fromkeys(args.apy_pipes or [1, args.workers]))
    print(f"omset --workers {args.workers}; APy -i/-n {'/'.join(map(str, apy_pipes))}; "
          f"{args.clients} clients")
    mean_words = statistics.mean(len(t.split()) for t in texts)
    print(f"texts: {len(texts)} from {where}; mean {mean_words:.1f} words")
    load_before = os.getloadavg()
    procs = []
    results: dict[str, list[Run]] = {}
    try:
        servers: list[tuple[str, subprocess.Popen, str]] = []
        for name, env in {"omset": {}, **extra}.items():
            proc, url = start_omset(args.workers, env)
            procs.append(proc)
            servers.append((name, proc, url))
        for pipes in apy_pipes:
            apy_proc, apy_url = start_apy(pipes)
            procs.append(apy_proc)
            servers.append((f"apy-{pipes}pipe", apy_proc, apy_url))
        for _name, proc, url in servers:
            wait_up(url, proc)
        results = {name: [] for name, _, _ in servers}
        for rnd in range(args.rounds):
            # rotate the order, so a change in the machine's load hits every server
            order = servers[rnd % len(servers):] + servers[:rnd % len(servers)]
            for name, proc, url in order:
                r = measure(name, url, proc.pid, texts, args.clients, args.seconds, args.warmup)
                results[name].append(r)
                print(f"round {rnd + 1} {name:6s} {r.rps:7.1f} req/s {r.wps:8.0f} words/s "
                      f"p50 {r.pct(50) * 1000:7.1f} ms  p99 {r.pct(99) * 1000:7.1f} ms  "
                      f"cpu {r.cpu_per_kword:5.2f} s/1000 words "
                      f"({100 * r.main_share:.0f} % server process)  errors {r.errors}  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    merged = [merge(name, runs) for name, runs in results.items()]
    apys = [r for r in merged if r.name.startswith("apy-")]
    load_after = os.getloadavg()
    print()
    print("| server | requests | req/s | words/s | p50 ms | p99 ms | CPU s / 1000 words "
          "| of which server process | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in merged:
        print(f"| {r.name} | {len(r.latencies)} | {r.rps:.1f} | {r.wps:.0f} | "
              f"{r.pct(50) * 1000:.1f} | {r.pct(99) * 1000:.1f} | {r.cpu_per_kword:.2f} | "
              f"{100 * r.main_share:.0f} % | {r.errors} |")
    print()
    for o in merged:
        if o in apys:
            continue
        for a in apys:
            print(f"{o.name} against {a.name}: throughput {o.rps / a.rps:.2f}×, "
                  f"p99 {o.pct(99) / a.pct(99):.2f}×, CPU per word "
                  f"{o.cpu_per_kword / a.cpu_per_kword:.2f}×")
    print(f"load average before {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f}, "
          f"after {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}; "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
