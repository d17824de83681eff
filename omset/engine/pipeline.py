"""One warm Apertium pipeline: a process group of NUL-flushing stages.

The stages are started by one ``bash`` (it forks them all at once, which Python
cannot: it waits for each child's exec, ~40 ms a stage on a loaded machine) with
``lastpipe`` set and the last stage ``exec``-ed, so the shell *becomes* the last stage:
no process but that stage holds the output pipe, and every pipe between stages has
exactly one writer. A stage that dies anywhere — the first, one in the middle, the
tagger guard (which exits when either of its taggers dies) — gives the stage after it
end of input; each exits in turn, and the pipeline's reader sees end of output at once.
The stages before the dead one, blocked in read, are then killed with the group, and
the pipeline's requests are retried on a healthy one instead of waiting out their
deadline. (Under a plain ``bash -c "a | b | c"`` the shell kept the output pipe open
while it waited for its children: nobody saw the end of output.)

Requests are written as ``payload \\0 nonce \\0``. Every stage flushes on NUL (and some
stages answer a NUL with several), so NULs cannot be counted to find where an answer
ends; the nonce — a superblank no input can contain, since input ``[`` is always
escaped — comes back verbatim after the answer and tells us exactly where it ends and
that it belongs to this request. Several requests may be in flight at once: the stages
run concurrently, so one pipeline already uses more than one core.

A writer thread feeds stdin and a reader thread drains stdout, so a large request can
never deadlock on full pipe buffers.
"""

from __future__ import annotations

import collections
import itertools
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

from ..errors import EngineError
from .cancel import settle


class PipelineDied(EngineError):
    """The process group ended (or was killed) with this request unanswered."""

    def __init__(self, message: str, *, timed_out: bool = False):
        super().__init__(message)
        self.timed_out = timed_out


@dataclass
class _Request:
    nonce: bytes
    data: bytes
    future: Future
    timeout: float
    head_since: float = 0.0  # when it became the oldest unanswered request


@dataclass
class _Process:
    """One incarnation of the pipeline; a restart makes a new one."""

    popen: subprocess.Popen
    pending: collections.deque = field(default_factory=collections.deque)
    outbox: collections.deque = field(default_factory=collections.deque)
    dead: bool = False
    retiring: bool = False   # takes no new requests; stdin closes once all are written
    served: int = 0
    cause: str = ""
    timed_out_nonce: bytes | None = None
    abandoned_since: float | None = None  # since when its oldest requests are cancelled ones
    stderr_tail: collections.deque = field(default_factory=lambda: collections.deque(maxlen=20))


class Pipeline:
    """A long-lived pipeline for one shell command (stages joined with ``|``)."""

    _ids = itertools.count()

    def __init__(self, command: str, *, env: dict[str, str] | None = None,
                 max_inflight_bytes: int = 1 << 20, recycle_mb: float | None = 380,
                 recycle_every: int = 200, standby_timeout: float = 60.0,
                 abandon_grace: float = 1.0):
        self.command = command
        self.env = env
        self.max_inflight_bytes = max_inflight_bytes
        # vislcg3 (cg-proc) grows with every window it sees and never gives the memory
        # back (13 → 120 MB for the main grammar over 1,200 news lines), so a pipeline
        # whose processes together pass ``recycle_mb`` of PSS is replaced: a fresh one
        # takes new requests while the old one answers what it has and exits.
        self.recycle_mb = recycle_mb
        self.recycle_every = recycle_every
        self.standby_timeout = standby_timeout
        self.abandon_grace = abandon_grace
        self.abandoned = 0  # processes killed because their caller gave up
        self.recycled = 0
        self._retiring: list[_Process] = []
        # The replacement of a pipeline being recycled: started and warmed up (an empty
        # request has passed every stage) before it takes over, so no request waits for
        # a cold start — which costs 0.25 s idle and over 1 s on a loaded machine.
        self._standby: _Process | None = None
        self.restarts = 0
        self.answered_at = 0.0  # monotonic time of the last answer (0: none yet)
        self._lock = threading.Condition()
        self._proc: _Process | None = None
        self._inflight = 0
        self._counter = itertools.count()
        self._salt = secrets.token_hex(6).encode()
        self._closed = False
        self.name = f"pipeline-{next(self._ids)}"

    # -- life cycle -------------------------------------------------------------------
    def _start(self) -> _Process:
        popen = subprocess.Popen(
            ["bash", "-c", shell_command(self.command)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, **(self.env or {})}, start_new_session=True, bufsize=0,
        )
        proc = _Process(popen)
        for target, what in ((self._write_loop, "writer"), (self._read_loop, "reader"),
                             (self._drain_stderr, "stderr")):
            threading.Thread(target=target, args=(proc,), daemon=True,
                             name=f"{self.name}-{what}").start()
        return proc

    def _current(self) -> _Process:
        """The live process, started (or restarted) when needed. Caller holds the lock."""
        if self._closed:
            raise EngineError("pipeline is closed")
        if self._proc is None or self._proc.dead:
            if self._proc is not None:
                self.restarts += 1
            self._proc = self._start()
        return self._proc

    def warm_up(self) -> None:
        """Start the processes now rather than on the first request."""
        with self._lock:
            self._current()

    @property
    def running(self) -> bool:
        """Whether the pipeline's processes are up (it starts on its first request)."""
        proc = self._proc
        return proc is not None and not proc.dead

    @property
    def pids(self) -> list[int]:
        """PIDs of the whole process group (the shell and every stage)."""
        proc = self._proc
        if proc is None or proc.dead:
            return []
        return _group(proc.popen.pid)

    def _maybe_recycle(self) -> None:
        """Replace the current process if it has grown past ``recycle_mb``. Caller holds
        the lock; runs every ``recycle_every`` requests (reading /proc costs ~1 ms).

        The replacement starts now and takes over only once it has answered an empty
        request; until then the old process keeps taking requests."""
        proc = self._proc
        if (self.recycle_mb is None or proc is None or proc.dead or self._standby is not None
                or proc.served % self.recycle_every or not proc.served):
            return
        if _pss_kib(_group(proc.popen.pid)) < self.recycle_mb * 1024:
            return
        standby = self._standby = self._start()
        warm = _Request(b"[omset:warm:%d:%s]" % (next(self._counter), self._salt), b"",
                        Future(), self.standby_timeout, head_since=time.monotonic())
        standby.pending.append(warm)
        standby.outbox.append(warm)
        warm.future.add_done_callback(lambda f: self._take_over(proc, standby, f))
        self._lock.notify_all()

    def _take_over(self, old: _Process, standby: _Process, warmed: Future) -> None:
        """The warmed-up ``standby`` replaces ``old``, which answers what it has and
        exits; a standby that failed to warm up is dropped (the next check tries again)."""
        with self._lock:
            if self._standby is standby:
                self._standby = None
            if warmed.exception() is not None or standby.dead or self._closed:
                standby.retiring = True  # nothing queued: its writer closes stdin, it exits
            elif self._proc is old and not old.dead:
                old.retiring = True
                self._retiring = [p for p in self._retiring if not p.dead] + [old]
                self._proc = standby
                self.recycled += 1
            elif self._proc is None or self._proc.dead:
                self._proc = standby  # the old one died meanwhile: the standby stands in
            else:
                standby.retiring = True  # a restart came first: this one is not needed
            self._lock.notify_all()


    def kill(self, cause: str = "killed", *, proc: _Process | None = None) -> None:
        """Kill the process group; its unanswered requests fail with PipelineDied."""
        with self._lock:
            proc = proc or self._proc
            if proc is None or proc.dead:
                return
            proc.cause = cause
        _killpg(proc)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            proc = self._proc
            retiring = list(self._retiring) + ([self._standby] if self._standby else [])
            self._standby = None
        for old in retiring:
            self.kill("closed", proc=old)
        if proc is not None and not proc.dead:
            self.kill("closed", proc=proc)
            try:
                proc.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    # -- requests ---------------------------------------------------------------------
    @property
    def inflight_bytes(self) -> int:
        return self._inflight

    def submit(self, payload: str, timeout: float) -> Future:
        """Queue ``payload`` (stream format); the future gets the raw answer as str."""
        data = payload.encode("utf-8")
        nonce = b"[omset:%d:%s]" % (next(self._counter), self._salt)
        fut: Future = Future()
        with self._lock:
            # Back-pressure: bounded bytes in flight, but never refuse a lone big request.
            while self._inflight > 0 and self._inflight + len(data) > self.max_inflight_bytes:
                self._lock.wait(0.5)
            self._maybe_recycle()
            proc = self._current()
            proc.served += 1
            req = _Request(nonce, data, fut, timeout)
            if not proc.pending:
                req.head_since = time.monotonic()
            proc.pending.append(req)
            self._inflight += len(data)
            proc.outbox.append(req)
            self._lock.notify_all()
        return fut

    def check_timeouts(self, now: float) -> None:
        """Kill the pipeline if its oldest request has waited longer than allowed, or
        it has spent ``abandon_grace`` seconds on nothing but requests whose callers have
        given up (they may be many small ones already in its pipes): a pipeline kept busy
        by nobody's work is replaced, and the other requests on it are retried."""
        with self._lock:
            procs = [self._proc, self._standby, *self._retiring]
        for proc in procs:
            cause = ""
            with self._lock:
                if proc is None or proc.dead or not proc.pending:
                    continue
                head = proc.pending[0]
                if now - head.head_since > head.timeout:
                    proc.timed_out_nonce = head.nonce
                    cause = f"timed out after {head.timeout:.1f} s"
                elif not head.future.cancelled():
                    proc.abandoned_since = None
                elif proc.abandoned_since is None:
                    proc.abandoned_since = now
                elif now - proc.abandoned_since > self.abandon_grace:
                    cause = "its requests were abandoned by their caller"
                    self.abandoned += 1
            if cause:
                self.kill(cause, proc=proc)

    # -- threads ----------------------------------------------------------------------
    def _write_loop(self, proc: _Process) -> None:
        stdin = proc.popen.stdin
        assert stdin is not None  # started with stdin=PIPE
        while True:
            with self._lock:
                while not proc.outbox and not proc.dead:
                    if proc.retiring:  # all written: EOF lets the stages finish and exit
                        try:
                            stdin.close()
                        except OSError:
                            pass
                        return
                    self._lock.wait()
                if proc.dead:
                    return
                req = proc.outbox.popleft()
                if req.future.cancelled():
                    self._drop(proc, req)  # abandoned before it was written: never sent
                    continue
            chunk = req.data + b"\0" + req.nonce + b"\0"
            try:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(stdin.fileno(), view):]
            except (BrokenPipeError, OSError, ValueError):
                return

    def _drop(self, proc: _Process, req: _Request) -> None:
        """Forget an unwritten request. Caller holds the lock."""
        was_head = proc.pending and proc.pending[0] is req
        try:
            proc.pending.remove(req)
        except ValueError:
            return
        self._inflight -= len(req.data)
        if was_head and proc.pending:
            proc.pending[0].head_since = time.monotonic()
        self._lock.notify_all()

    def _drain_stderr(self, proc: _Process) -> None:
        assert proc.popen.stderr is not None  # started with stderr=PIPE
        for line in proc.popen.stderr:
            proc.stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    def _read_loop(self, proc: _Process) -> None:
        assert proc.popen.stdout is not None  # started with stdout=PIPE
        fd = proc.popen.stdout.fileno()
        buf = bytearray()
        scan_from = 0
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            while True:
                with self._lock:
                    head = proc.pending[0] if proc.pending else None
                if head is None:
                    break
                idx = buf.find(head.nonce, max(0, scan_from - len(head.nonce)))
                if idx < 0:
                    scan_from = len(buf)
                    break
                answer = bytes(buf[:idx]).replace(b"\0", b"")
                del buf[:idx + len(head.nonce)]
                scan_from = 0
                with self._lock:
                    proc.pending.popleft()
                    self._inflight -= len(head.data)
                    if proc.pending:
                        proc.pending[0].head_since = time.monotonic()
                    self._lock.notify_all()
                self.answered_at = time.monotonic()
                settle(head.future, answer.decode("utf-8", "replace"))
        self._died(proc)

    def _died(self, proc: _Process) -> None:
        # The last stage has ended; whatever is left of the group (the stages before a
        # dead one, blocked in read) goes with it.
        _killpg(proc)
        try:
            proc.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        with self._lock:
            proc.dead = True
            failed = list(proc.pending)
            proc.pending.clear()
            for req in failed:
                self._inflight -= len(req.data)
            self._lock.notify_all()
        cause = proc.cause or "a stage exited"
        detail = f": {proc.stderr_tail[-1]}" if proc.stderr_tail else ""
        for req in failed:
            settle(req.future, exc=PipelineDied(
                f"Apertium pipeline ended ({cause}){detail}",
                timed_out=req.nonce == proc.timed_out_nonce))


_SHELL_SYNTAX = frozenset(";&<>()")


def split_stages(command: str) -> list[list[str]] | None:
    """The argument vectors of ``a | b | c``; None if ``command`` is anything else a
    shell must read (``;``, ``&&``, redirections, subshells, ``$``, a builtin such as
    ``exec`` — the stand-ins tests use)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    for token in lexer:
        if token == "|":
            stages.append([])
        elif set(token) <= _SHELL_SYNTAX | {"|"} or "$" in token or "`" in token:
            return None
        else:
            stages[-1].append(token)
    if not all(stages) or any(shutil.which(argv[0]) is None for argv in stages):
        return None
    return stages


def shell_command(command: str) -> str:
    """What ``bash -c`` runs for a pipeline: with ``lastpipe`` the last stage runs in
    the shell itself and ``exec`` makes the shell that stage, so it holds the output
    pipe alone (see the module's docstring). Anything :func:`split_stages` cannot read
    runs as it is."""
    stages = split_stages(command)
    if stages is None:
        return command
    *first, last = (shlex.join(argv) for argv in stages)
    return "shopt -s lastpipe; " + " | ".join([*first, "exec " + last])


def _killpg(proc: _Process) -> None:
    try:
        os.killpg(proc.popen.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _pss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def _group(pgid: int) -> list[int]:
    """PIDs of process group ``pgid``."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    pids.append(int(entry))
            except ProcessLookupError:
                pass
    return pids
