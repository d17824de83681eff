"""Fuzz every document format with an identity translator: crashes, hangs, memory.

    .venv/bin/python bench/fuzz.py [--inputs 100000] [--formats html,po] [--seed 1]
                                   [--timeout 5] [--rss-mb 1024] [--minutes M]
    .venv/bin/python bench/fuzz.py --update-fixtures

Inputs come from :func:`tests.fuzzing.mutate` — seeds written in code, mutated byte-wise
and structure-aware; accepted small inputs join the corpus, so mutations build on each
other. Each input runs in a worker process the fuzzer watches:

* **crash**: any exception that is not an :class:`omset.errors.OmsetError` (the
  documented tree of clear errors);
* **hang**: ``--timeout`` seconds of CPU on one input, or twelve times that of wall
  time (a deadlock uses none) not counting the time the worker waited for a CPU: the
  worker is killed and the input run once more in a fresh worker — a hang is a hang
  twice. CPU time, not wall time, because the machine is shared: at a load average of
  45 a markdown input of 2.4 s took more than 5 s of wall time, twice; and a worker at
  nice 19 beside CPU-bound jobs at nice 0 got 0.1 s of CPU in 60 s of wall time (the
  rest in the run queue), twice, for a YAML input that takes well under a second;
* **memory**: the worker's peak RSS passed ``--rss-mb``.

Every failing input is kept in ``tests/fixtures/fuzz/`` (up to 3 per distinct failure,
and the smallest); ``--update-fixtures`` records, once the bug is fixed, the clear error
(or ``ok``) each must now give, which ``tests/unit/test_fuzz.py`` replays. The baseline
is the same code path with no mutation (the seeds): every seed translates.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import select
import struct
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests import fuzzing  # noqa: E402  the fuzzer's shared parts

MAX_CORPUS = 500


# -- the worker: one input at a time, from stdin, answered on stdout -------------------------
def worker(fmt: str) -> None:
    """Read length-prefixed inputs, answer each with one JSON line."""
    import warnings

    warnings.simplefilter("ignore")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = stdin.read(4)
        if len(head) < 4:
            return
        data = stdin.read(struct.unpack(">I", head)[0])
        start = time.perf_counter()
        out = fuzzing.outcome(data, fmt)
        answer = {"kind": out.kind, "error": out.error, "message": out.message[-4000:],
                  "s": time.perf_counter() - start}
        stdout.write(json.dumps(answer).encode() + b"\n")
        stdout.flush()


class Worker:
    """A watched worker process for one format."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", fmt], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})

    def peak_mb(self) -> float:
        """The worker's peak resident set (VmHWM), MB."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def cpu(self) -> float:
        """CPU seconds the worker has used so far."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return 0.0

    def waited(self) -> float:
        """Seconds the worker has spent runnable but waiting for a CPU (the scheduler's
        run-queue delay, /proc/PID/schedstat): time a hang must not count."""
        try:
            with open(f"/proc/{self.proc.pid}/schedstat") as f:
                return int(f.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def _rss_mb(self) -> float:
        try:
            with open(f"/proc/{self.proc.pid}/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except OSError:
            return 0.0

    def run(self, data: bytes, timeout: float, rss_mb: float) -> dict:
        """One input: the worker's answer, or {"kind": "hang"/"rss"/"died"}."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(struct.pack(">I", len(data)) + data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            return {"kind": "died", "error": "worker gone", "message": ""}
        start, cpu, waited = time.monotonic(), self.cpu(), self.waited()
        fd = self.proc.stdout.fileno()
        while True:
            used, wall = self.cpu() - cpu, time.monotonic() - start
            queued = self.waited() - waited  # a starved worker is slow, not stuck
            if used > timeout or wall - queued > 12 * timeout:
                return {"kind": "hang", "error": f"no answer after {used:.1f} s of CPU, "
                        f"{wall:.1f} s of wall time ({queued:.1f} s of it waiting for a "
                        f"CPU)", "message": ""}
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    code = self.proc.wait()
                    return {"kind": "died", "error": f"worker exited {code}", "message": ""}
                answer = json.loads(line)
                if self.peak_mb() > rss_mb:
                    return {**answer, "kind": "rss", "error": f"peak RSS {self.peak_mb():.0f} MB"}
                return answer
            if self._rss_mb() > rss_mb:
                return {"kind": "rss", "error": f"RSS {self._rss_mb():.0f} MB", "message": ""}

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def signature(answer: dict) -> str:
    """What makes two failures the same bug: their kind, class and innermost frame."""
    frames = [ln.strip() for ln in answer.get("message", "").splitlines()
              if ln.strip().startswith("File ")]
    return f"{answer['kind']}:{answer.get('error', '')[:60]}:{frames[-1] if frames else ''}"


def fuzz(fmt: str, inputs: int, seed: int, timeout: float, rss_mb: float,
         minutes: float | None, keep: bool = True) -> dict:
    """Run ``inputs`` mutated inputs of ``fmt``; a summary (counts, timings, failures)."""
    rng = random.Random(f"{seed}:{fmt}")
    corpus = list(fuzzing.SEEDS[fmt])
    counts: Counter[str] = Counter()
    failures: dict[str, list[int]] = {}
    slowest = 0.0
    peak = 0.0
    w = Worker(fmt)
    started = time.monotonic()
    done = 0
    try:
        for seed_doc in fuzzing.SEEDS[fmt]:  # the baseline: every seed translates
            answer = w.run(seed_doc, timeout * 4, rss_mb)  # (the first input pays the imports)
            if answer["kind"] not in ("ok", "clear"):
                raise SystemExit(f"{fmt}: a seed fails: {answer}")
        while done < inputs:
            if minutes is not None and time.monotonic() - started > minutes * 60:
                break
            data = fuzzing.mutate(rng, fmt, corpus)
            answer = w.run(data, timeout, rss_mb)
            done += 1
            if answer["kind"] in ("hang", "rss", "died"):
                peak = max(peak, w.peak_mb())
                w.kill()
                w = Worker(fmt)
                if answer["kind"] == "hang":  # a hang is a hang twice, on a fresh worker
                    w.run(fuzzing.SEEDS[fmt][0], timeout * 4, rss_mb)
                    again = w.run(data, timeout, rss_mb)
                    if again["kind"] != "hang":
                        counts["slow once"] += 1
                        answer = again
                    else:
                        w.kill()
                        w = Worker(fmt)
            kind = answer["kind"]
            counts[kind] += 1
            slowest = max(slowest, answer.get("s", 0.0))
            if kind == "ok" and len(data) <= fuzzing.MAX_KEPT:
                if len(corpus) < MAX_CORPUS:
                    corpus.append(data)
                else:
                    corpus[rng.randrange(len(fuzzing.SEEDS[fmt]), MAX_CORPUS)] = data
            if kind not in ("ok", "clear"):
                sig = signature(answer)
                sizes = failures.setdefault(sig, [])
                if keep and (len(sizes) < 3 or len(data) < min(sizes)):
                    fuzzing.keep(fmt, data, sig)
                    print(f"  {fmt}: {kind} {answer.get('error', '')} — kept "
                          f"{fuzzing.fixture_name(fmt, data)}\n    "
                          + "\n    ".join(answer.get("message", "").strip().splitlines()[-3:]),
                          flush=True)
                sizes.append(len(data))
            if done % 10000 == 0:
                print(f"  {fmt}: {done} inputs, {dict(counts)}, "
                      f"{time.monotonic() - started:.0f} s", flush=True)
        peak = max(peak, w.peak_mb())
    finally:
        w.kill()
    took = time.monotonic() - started
    return {"format": fmt, "inputs": done, "counts": counts, "failures": failures,
            "slowest": slowest, "peak_mb": peak, "seconds": took}


def update_fixtures(timeout: float, rss_mb: float) -> int:
    """Record what every kept input gives now; 1 if any still fails."""
    table = fuzzing.load_expected()
    bad = 0
    for name, entry in sorted(table.items()):
        w = Worker(entry["format"])
        try:
            answer = w.run((fuzzing.FIXTURES / name).read_bytes(), timeout * 4, rss_mb)
        finally:
            w.kill()
        if answer["kind"] in ("ok", "clear"):
            entry.update(kind=answer["kind"], error=answer["error"],
                         message=answer["message"] if answer["kind"] == "clear" else "")
        else:
            bad += 1
            entry.update(kind="", error="", message="")
            print(f"{name}: still {answer['kind']} {answer['error']}\n"
                  + answer.get("message", "")[-800:])
    fuzzing.EXPECTED.write_text(json.dumps(table, indent=1, sort_keys=True,
                                           ensure_ascii=False) + "\n")
    print(f"{len(table)} fixtures, {bad} still failing")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=100_000, help="per format")
    ap.add_argument("--formats", default=",".join(fuzzing.FORMATS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds of CPU on one input: more is a hang")
    ap.add_argument("--rss-mb", type=float, default=1024.0)
    ap.add_argument("--minutes", type=float, help="stop each format after this long")
    ap.add_argument("--no-keep", action="store_true", help="do not add fixtures")
    ap.add_argument("--update-fixtures", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker)
        return
    if args.update_fixtures:
        raise SystemExit(update_fixtures(args.timeout, args.rss_mb))
    print(f"# {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, load "
          f"{os.getloadavg()[0]:.1f}, seed {args.seed}, hang > {args.timeout:g} s, "
          f"RSS > {args.rss_mb:g} MB", flush=True)
    rows = []
    for fmt in args.formats.split(","):
        r = fuzz(fmt, args.inputs, args.seed, args.timeout, args.rss_mb, args.minutes,
                 keep=not args.no_keep)
        c = r["counts"]
        rows.append(f"| {fmt} | {r['inputs']:,} | {c['ok']:,} | {c['clear']:,} | "
                    f"{c['crash'] + c['died']} | {c['hang']} | {c['rss']} | {c['slow once']} | "
                    f"{r['slowest']:.2f} s | {r['peak_mb']:.0f} MB | "
                    f"{r['inputs'] / r['seconds']:.0f}/s |")
        print(rows[-1], flush=True)
    print("| format | inputs | ok | clear error | crash | hang | RSS > limit | slow once, "
          "fine again | slowest input | worker peak RSS | rate |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"# load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
