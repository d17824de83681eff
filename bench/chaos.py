"""What bench/faults.py and bench/soak.py share: a real ``omset serve`` on loopback, its
process tree, a stage killer, checked requests and a ``/healthz`` poller.

* :func:`serve` starts the service as a user would (``python -m omset serve``), both
  directions warm; :func:`tree` lists it and every process under it, and
  :func:`pipelines` groups those into pipelines (each is a process group of its own);
* :func:`kill_random_stage` sends SIGKILL to one random process of one random pipeline
  — a crash or the OOM killer, as the issue's tests did by hand — and records it
  (:class:`Kill`: when, which pool, which stage, which pid) in :data:`KILLS`;
* :class:`Reference` is what each text must come back as: the service's own answers from
  a sequential pass before anything is killed (nb→nn, and nn→nb of those answers, so
  both directions' pools carry load);
* :class:`Tally` counts every answer: right, wrong (200 with another text), lost (no
  answer, a connection error, or a status other than 200/504), over its deadline (504, or
  an answer later than the deadline the service promises: ``--timeout`` + 1 s/20 kB).
  Every wrong answer is kept whole (:class:`Wrong`: the text received and the text
  expected, and the kills of the seconds before it), so a wrong answer after a kill can
  be traced to the stage that died (issue 16: one was seen in a 30-minute soak, and
  what it was and which kill preceded it had not been recorded).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Coroutine
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import free_port, load_texts  # noqa: E402  bench/service.py's helpers

TIMEOUT = 30.0  # the service's --timeout (its default)


def deadline(text: str, timeout: float = TIMEOUT) -> float:
    """The service's deadline for a request of ``text`` (docs/service.md)."""
    return timeout + len(text.encode()) / 20_000


def serve(workers: int | None = None, timeout: float = TIMEOUT,
          log: str | None = None, trace: str | None = None,
          trace_every: float = 120.0,
          deterministic: bool = True) -> tuple[subprocess.Popen, str]:
    """A running ``omset serve`` on a free loopback port, answering; (process, base URL).
    ``log``: a file for the service's log (info level), else it is discarded.
    ``trace``: a directory for :mod:`tracemalloc` snapshots of the server, one every
    ``trace_every`` seconds (bench/traced_serve.py). ``deterministic``: the service's
    ``--deterministic`` (its default) or ``--no-deterministic``."""
    port = free_port()
    start = ([sys.executable, str(Path(__file__).with_name("traced_serve.py")), "serve"]
             if trace else [sys.executable, "-m", "omset", "serve"])
    cmd = [*start, "--host", "127.0.0.1", "--port", str(port),
           "--timeout", str(timeout), "--log-level", "info" if log else "warning"]
    if workers:
        cmd += ["--workers", str(workers)]
    cmd.append("--deterministic" if deterministic else "--no-deterministic")
    env = dict(os.environ)
    if trace:
        env.update(OMSET_BENCH_TRACE_DIR=trace, OMSET_BENCH_TRACE_EVERY=str(trace_every))
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    until = time.monotonic() + 180
    while time.monotonic() < until:
        if proc.poll() is not None:
            raise SystemExit(f"omset serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=30).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("omset serve did not come up within 180 s")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- the process tree ------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree(root: int) -> list[int]:
    """``root`` and every live (non-zombie) process under it."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and fields[0] != "Z":
                parent[int(entry)] = int(fields[1])
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in parent or pid == root:
            out.append(pid)
            todo.extend(p for p, pp in parent.items() if pp == pid)
    return out


def comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def pipelines(root: int) -> dict[int, list[int]]:
    """The service's pipelines: process group → its processes (the server's own group
    is not one)."""
    groups: dict[int, list[int]] = {}
    own = os.getpgid(root)
    for pid in tree(root):
        try:
            pgid = os.getpgid(pid)
        except ProcessLookupError:
            continue
        if pgid != own:
            groups.setdefault(pgid, []).append(pid)
    return groups


def pool_of(group: list[int]) -> str:
    """Which pool a pipeline serves, read from its processes' command lines."""
    cmdline = ""
    for pid in group:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline += f.read().replace(b"\0", b" ").decode(errors="replace") + " | "
        except OSError:
            pass
    direction = "nb-nn" if "nob-nno" in cmdline else "nn-nb" if "nno-nob" in cmdline else "?"
    if "automorf" in cmdline:
        kind = "heavy" if len(group) > 2 else "analyser"
    else:  # post-generation, the generator (nn→nb post) or the generator helper
        kind = "post/generator"
    return f"{direction} {kind}"


@dataclass(frozen=True)
class Kill:
    """One stage killed: when (``time.monotonic()`` and wall clock), where, which pid."""

    at: float
    clock: str
    pool: str
    stage: str
    pid: int
    processes: int

    def __str__(self) -> str:
        return (f"{self.clock} killed {self.stage} (pid {self.pid}) of {self.pool} "
                f"({self.processes} processes)")


#: every kill :func:`kill_random_stage` made in this process, in order
KILLS: list[Kill] = []


def kill_random_stage(root: int, rng: random.Random) -> str:
    """SIGKILL one random process of one random pipeline; says which (and records it in
    :data:`KILLS`)."""
    groups = pipelines(root)
    if not groups:
        return "no pipeline running"
    pgid = rng.choice(sorted(groups))
    pid = rng.choice(groups[pgid])
    kill = Kill(time.monotonic(), _clock(), pool_of(groups[pgid]), comm(pid), pid,
                len(groups[pgid]))
    what = f"{kill.stage} of {kill.pool} ({kill.processes} processes)"
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return f"{what}: already gone"
    KILLS.append(kill)
    return what


def kills_before(at: float, seconds: float) -> list[Kill]:
    """The kills of the ``seconds`` before ``at`` (``time.monotonic()``)."""
    return [k for k in KILLS if at - seconds <= k.at <= at]


def _clock() -> str:
    now = time.time()
    return time.strftime("%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}"


def memory_kib(pids: list[int]) -> tuple[int, int]:
    """Summed (RSS, PSS) of ``pids`` in KiB."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def open_fds(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            pass
    return total


# -- requests and their checking -------------------------------------------------------
def texts_for(n: int, seed: int = 7) -> list[str]:
    """``n`` Bokmål texts: sentences and paragraphs (bench/service.py's choice)."""
    texts, _ = load_texts(n, seed)
    return list(dict.fromkeys(texts))


async def translate(http: httpx.AsyncClient, base: str, text: str, source: str,
                    target: str) -> httpx.Response:
    return await http.post(base + "/v1/translate",
                           json={"text": text, "source": source, "target": target,
                                 "detailed": False},
                           timeout=deadline(text) + 30)


@dataclass
class Reference:
    """Every (direction, text) → the answer it must get."""

    answers: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    async def build(cls, base: str, texts: list[str], clients: int = 4) -> "Reference":
        """nb→nn of ``texts``, then nn→nb of those answers, nothing killed meanwhile."""
        ref = cls()
        async with httpx.AsyncClient() as http:
            for source, target, inputs in (("nb", "nn", texts), ("nn", "nb", None)):
                todo = list(inputs if inputs is not None else
                            dict.fromkeys(v for (s, _), v in ref.answers.items() if s == "nb"))

                async def worker(todo: list[str] = todo, source: str = source,
                                 target: str = target) -> None:
                    while todo:
                        text = todo.pop()
                        r = await translate(http, base, text, source, target)
                        r.raise_for_status()
                        ref.answers[(source, text)] = r.json()["translations"][0]["text"]

                await asyncio.gather(*(worker() for _ in range(clients)))
        return ref

    def requests(self) -> list[tuple[str, str, str]]:
        """(source, target, text) of every reference request."""
        return [(s, "nb" if s == "nn" else "nn", t) for s, t in self.answers]


@dataclass
class Wrong:
    """A 200 answer that differs from the reference: all there is to trace it."""

    clock: str            # when the answer came (UTC)
    source: str
    text: str             # what was sent
    expected: str
    received: str
    took: float           # seconds from sending to the answer
    kills: list[Kill]     # the kills from ``KILL_WINDOW`` s before sending to the answer

    def report(self) -> str:
        lines = [f"wrong answer at {self.clock} UTC ({self.source}→"
                 f"{'nb' if self.source == 'nn' else 'nn'}, {self.took:.2f} s):",
                 f"    sent:     {self.text!r}",
                 f"    expected: {self.expected!r}",
                 f"    received: {self.received!r}"]
        lines += [f"    {k}" for k in self.kills] or [
            f"    no kill in the {KILL_WINDOW:g} s before it"]
        return "\n".join(lines)


#: how far back before a wrong answer's request the kills are listed
KILL_WINDOW = 10.0


@dataclass
class Tally:
    """What happened to every request of one phase."""

    name: str
    latencies: list[float] = field(default_factory=list)
    right: int = 0
    wrong: int = 0
    lost: int = 0
    over: int = 0
    examples: list[str] = field(default_factory=list)
    #: every wrong answer, whole (not only the first ten, as ``examples``)
    wrongs: list[Wrong] = field(default_factory=list)
    #: (time.monotonic() at the answer, outcome, seconds taken): when things happened
    events: list[tuple[float, str, float]] = field(default_factory=list)
    #: why requests were lost or late: the exception's type or the HTTP status
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.lost + self.over

    def pct(self, p: float) -> float:
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")

    def note(self, what: str) -> None:
        if len(self.examples) < 10:
            self.examples.append(f"{time.strftime('%H:%M:%S')} {what}")


async def checked(http: httpx.AsyncClient, base: str, ref: Reference,
                  request: tuple[str, str, str], tally: Tally) -> None:
    """Send one request and count its outcome in ``tally``."""
    source, target, text = request
    t0 = time.perf_counter()
    try:
        r = await translate(http, base, text, source, target)
    except httpx.HTTPError as exc:
        tally.lost += 1
        tally.reasons[f"lost: {type(exc).__name__}"] += 1
        tally.note(f"lost: {type(exc).__name__} {exc}"[:200])
        return
    took = time.perf_counter() - t0
    if r.status_code == 504 or (r.status_code == 200 and took > deadline(text)):
        tally.over += 1
        tally.reasons[f"over deadline: {r.status_code}"] += 1
        tally.note(f"over deadline: {r.status_code} after {took:.1f} s")
        outcome = "over"
    elif r.status_code != 200:
        tally.lost += 1
        tally.reasons[f"lost: {r.status_code}"] += 1
        tally.note(f"lost: {r.status_code} {r.text[:150]}")
        outcome = "lost"
    elif (received := r.json()["translations"][0]["text"]) != ref.answers[(source, text)]:
        tally.wrong += 1
        tally.note(f"wrong: {text[:60]!r}")
        now = time.monotonic()
        tally.wrongs.append(Wrong(_clock(), source, text, ref.answers[(source, text)],
                                  received, took, kills_before(now, took + KILL_WINDOW)))
        print(tally.wrongs[-1].report(), flush=True)
        outcome = "wrong"
    else:
        tally.right += 1
        tally.latencies.append(took)
        outcome = "right"
    tally.events.append((time.monotonic(), outcome, took))


async def closed_loop(base: str, ref: Reference, tally: Tally, seconds: float, clients: int,
                      seed: int, *alongside: Coroutine) -> None:
    """``clients`` clients, each sending one reference request after the other for
    ``seconds``, every answer checked into ``tally``; ``alongside`` runs meanwhile."""
    requests = ref.requests()
    stop_at = time.monotonic() + seconds

    async def client(http: httpx.AsyncClient, own: random.Random) -> None:
        while time.monotonic() < stop_at:
            await checked(http, base, ref, own.choice(requests), tally)

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=clients + 4)) as http:
        await asyncio.gather(*(client(http, random.Random(seed * 1000 + i))
                               for i in range(clients)), *alongside)


@dataclass
class Health:
    """``/healthz`` polled every ``every`` seconds: statuses and answer times."""

    statuses: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def poll(self, base: str, stop: asyncio.Event, every: float = 0.5) -> None:
        async with httpx.AsyncClient() as http:
            while not stop.is_set():
                t0 = time.perf_counter()
                try:
                    r = await http.get(base + "/healthz", timeout=30)
                    self.statuses.append(r.status_code)
                    if r.status_code != 200 and len(self.failures) < 10:
                        self.failures.append(f"{r.status_code}: {r.text[:200]}")
                except httpx.HTTPError as exc:
                    self.statuses.append(0)
                    if len(self.failures) < 10:
                        self.failures.append(f"{type(exc).__name__}")
                self.times.append(time.perf_counter() - t0)
                try:
                    await asyncio.wait_for(stop.wait(), every)
                except asyncio.TimeoutError:
                    pass

    @property
    def bad(self) -> int:
        return sum(s != 200 for s in self.statuses)
