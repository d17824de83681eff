"""``omset batch`` on a local Dask cluster against ``omset translate --lines``, in one run.

    .venv/bin/python bench/batch.py [--words N] [--workers W] [--rounds R]

Both commands get the same input, one segment a line, and the same number of
pipelines: ``omset translate --lines --workers W`` (one process, W pipelines) and
``omset batch --lines --workers W`` (a LocalCluster of W worker processes, one
pipeline each, started and stopped by the command). The machine is usually shared, so
the two alternate for ``--rounds`` rounds and the medians are compared. It reports

* words/s of each, wall clock of the whole command (``omset batch`` pays for starting
  its cluster), and the ratio batch / translate (target ≥ 0.9×);
* the cluster's start-up: from the command's start until every worker holds a warm
  translator (the ``ready after`` figure ``omset batch`` prints);
* memory per worker: the largest PSS (``/proc/PID/smaps_rollup``) of a worker process
  plus its Apertium pipeline, sampled every half second during the run.

The outputs of the two commands are compared line for line (they must be equal).

Input: the Bokmål side of the NorBench train and dev splits in ../shared, repeated until
it has ``--words`` words (default 1,000,000). Without ../shared, the repository's
examples/artikkel.nb.txt is repeated instead (and the script says so).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "parallel"
SPLITS = [SHARED / "norbench_npk_maalfrid.train.nb-nn.tsv",
          SHARED / "norbench_npk_maalfrid.dev.nb-nn.tsv"]
ARTICLE = ROOT / "examples" / "artikkel.nb.txt"
OUT = ROOT / "bench" / "out" / "batch"
OMSET = [sys.executable, "-m", "omset"]
READY = re.compile(r"ready after ([\d.]+) s")


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def source_lines() -> tuple[list[str], str]:
    if all(p.is_file() for p in SPLITS):
        lines = [row.split("\t", 1)[0] for p in SPLITS
                 for row in p.read_text(encoding="utf-8").splitlines() if row.strip()]
        return lines, "the nb side of ../shared NorBench train+dev"
    print("../shared is absent: using examples/artikkel.nb.txt repeated", file=sys.stderr)
    return [ln for ln in ARTICLE.read_text(encoding="utf-8").splitlines() if ln.strip()], \
        "examples/artikkel.nb.txt repeated"


def make_input(words: int) -> tuple[Path, int, str]:
    lines, what = source_lines()
    out: list[str] = []
    n = 0
    while n < words:
        for line in lines:
            out.append(line)
            n += len(line.split())
            if n >= words:
                break
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "input.txt"
    path.write_text("".join(f"{ln}\n" for ln in out), encoding="utf-8")
    return path, n, what


def pss_kib(proc: psutil.Process) -> int:
    """PSS of a process and all its descendants (KiB)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            text = Path(f"/proc/{p.pid}/smaps_rollup").read_text()
        except OSError:
            continue
        m = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
        total += int(m.group(1)) if m else 0
    return total


class Sampler(threading.Thread):
    """Samples a command's process tree every half second: the CPU time of every process
    in it (its last value seen; a process's last half second may be missed) and the
    largest PSS of each local-cluster worker with its pipeline."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stop = pid, threading.Event()
        self.peak: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.kind: dict[int, str] = {}

    def sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for p in tree:
            try:
                t = p.cpu_times()
                self.cpu[p.pid] = t.user + t.system
                if p.pid not in self.kind:
                    self.kind[p.pid] = kind_of(p, self.pid)
                if "spawn_main" in " ".join(p.cmdline()):
                    self.peak[p.pid] = max(self.peak.get(p.pid, 0), pss_kib(p))
            except psutil.Error:
                continue

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample()


def kind_of(p: psutil.Process, root: int) -> str:
    """Which part of a run a process is: the command itself, a Dask worker, or the
    engine (Apertium's stages and omset's helpers around them)."""
    if p.pid == root:
        return "command"
    line = " ".join(p.cmdline())
    if "spawn_main" in line:
        return "dask worker"
    if "resource_tracker" in line:
        return "other"
    return "engine"


def measured(argv: list[str]) -> tuple[float, float, list[int], str]:
    """Run a command: (wall seconds, CPU seconds of its tree, worker PSS peaks, stderr)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv[2:4])} failed ({proc.returncode}):\n{stderr}")
    by_kind: dict[str, float] = {}
    for pid, cpu in sampler.cpu.items():
        kind = sampler.kind.get(pid, "other")
        by_kind[kind] = by_kind.get(kind, 0.0) + cpu
    print(f"  {argv[3]}: CPU s by part: "
          + ", ".join(f"{k} {v:.0f}" for k, v in sorted(by_kind.items())), flush=True)
    return wall, sum(sampler.cpu.values()), sorted(sampler.peak.values()), stderr


def run_translate(path: Path, workers: int) -> tuple[float, float]:
    wall, cpu, _, _ = measured(OMSET + ["translate", "--lines", "--workers", str(workers),
                                        str(path), "-o", str(OUT / "translate.txt")])
    return wall, cpu


def run_batch(path: Path, workers: int) -> tuple[float, float, float, list[int]]:
    wall, cpu, peaks, stderr = measured(OMSET + ["batch", "--lines", "--workers", str(workers),
                                                 str(path), "-o", str(OUT / "batch"), "--restart"])
    m = READY.search(stderr)
    return wall, cpu, float(m.group(1)) if m else float("nan"), peaks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    path, words, what = make_input(args.words)
    print(f"# bench/batch.py {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"input: {words} words, {what}")
    tr_s, ba_s, ready_s, mem, tr_cpu, ba_cpu = [], [], [], [], [], []
    for r in range(args.rounds):
        before = load()
        wall, cpu = run_translate(path, args.workers)
        tr_s.append(wall)
        tr_cpu.append(cpu)
        wall, cpu, ready, peaks = run_batch(path, args.workers)
        ba_s.append(wall)
        ba_cpu.append(cpu)
        ready_s.append(ready)
        mem += peaks
        print(f"round {r + 1}: translate {tr_s[-1]:.1f} s ({tr_cpu[-1]:.0f} CPU s), batch "
              f"{wall:.1f} s ({cpu:.0f} CPU s, ready after {ready:.1f} s); "
              f"load {before} -> {load()}", flush=True)
    same = (OUT / "translate.txt").read_bytes() == (OUT / "batch" / "input.txt").read_bytes()
    t, b, ready = statistics.median(tr_s), statistics.median(ba_s), statistics.median(ready_s)
    print(f"omset translate --lines --workers {args.workers}: {words / t:,.0f} words/s ({t:.1f} s)")
    print(f"omset batch --lines --workers {args.workers}:     {words / b:,.0f} words/s ({b:.1f} s, "
          f"of which {ready:.1f} s cluster start-up)")
    print(f"ratio batch / translate: {t / b:.2f}x (without start-up: {t / (b - ready):.2f}x)")
    tc, bc = statistics.median(tr_cpu), statistics.median(ba_cpu)
    print(f"CPU per 1,000 words: translate {1000 * tc / words:.2f} s, batch {1000 * bc / words:.2f} s "
          f"(ratio {tc / bc:.2f}x)")
    if mem:
        print(f"memory per worker (PSS, worker + pipeline, peak): "
              f"median {statistics.median(mem) / 1024:.0f} MB, max {max(mem) / 1024:.0f} MB")
    print(f"outputs equal line for line: {same}")


if __name__ == "__main__":
    main()
