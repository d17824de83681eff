"""A pool of warm pipelines for one command, with dispatch, time-outs and retries.

Every Apertium process omset starts lives in a Pool, so every request to any of them
has a deadline (a watchdog kills a pipeline whose oldest request is overdue) and a
restart (the next request starts a fresh process)."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future

from ..errors import EngineError, EngineTimeout
from .cancel import link, settle
from .pipeline import Pipeline, PipelineDied


#: pipelines one request is tried on when they die under it
ATTEMPTS = 3


class Pool:
    """Up to ``size`` identical pipelines; each request goes to the least busy one.

    Pipelines start on demand: an idle running pipeline is preferred, and another one is
    started only when every running one is busy, so a one-line input starts one
    pipeline and a long text soon has all of them.

    A request that overran its own deadline fails with EngineTimeout at once (sent
    again, it would hang again). A request that was lost because its pipeline died under
    it — a stage crashed, or another request's deadline had it killed — is sent again,
    on up to :data:`ATTEMPTS` pipelines in all; then the failure reaches the caller as
    EngineError. One retry was not enough: with a stage killed every 5 s somewhere in
    the service, a retried request's new pipeline was sometimes the next one hit, and
    6 of ~350 requests were lost. Three attempts bound what an input that crashes a
    stage every time can cost: three restarts.
    """

    def __init__(self, command: str, *, size: int | None = None,
                 env: dict[str, str] | None = None, timeout: float = 20.0,
                 timeout_per_kb: float = 1.0):
        self.size = max(1, size or os.cpu_count() or 1)
        self.timeout = timeout
        self.timeout_per_kb = timeout_per_kb
        self.pipelines = [Pipeline(command, env=env) for _ in range(self.size)]
        self._closed = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, daemon=True, name="omset-watchdog")
        self._watchdog.start()

    def warm_up(self, count: int | None = None) -> None:
        """Start the processes of ``count`` pipelines (default: all) now."""
        for p in self.pipelines[:count]:
            p.warm_up()

    @property
    def restarts(self) -> int:
        return sum(p.restarts for p in self.pipelines)

    @property
    def abandoned(self) -> int:
        """Pipelines killed because their caller had given up on the request they held."""
        return sum(p.abandoned for p in self.pipelines)

    @property
    def recycled(self) -> int:
        """Pipelines replaced because they had grown past their memory budget."""
        return sum(p.recycled for p in self.pipelines)

    def alive(self) -> bool:
        return not self._closed.is_set()

    def answered_within(self, seconds: float) -> bool:
        """Whether a pipeline of the pool is running and one answered a request in the
        last ``seconds``: proof that the pool serves, which a health check under load can
        use instead of queueing a probe of its own behind the clients' work."""
        last = max((p.answered_at for p in self.pipelines), default=0.0)
        return (self.alive() and self.running > 0 and last > 0
                and time.monotonic() - last <= seconds)

    def _timeout_for(self, payload: str) -> float:
        return self.timeout + self.timeout_per_kb * len(payload) / 1024

    def _pick(self) -> Pipeline:
        running = [p for p in self.pipelines if p.running]
        idle = next((p for p in running if p.inflight_bytes == 0), None)
        if idle is not None:
            return idle
        cold = next((p for p in self.pipelines if not p.running), None)
        if cold is not None:
            return cold
        return min(running, key=lambda p: p.inflight_bytes)

    def submit(self, payload: str) -> Future:
        """Translate one stream-format request asynchronously (raw answer as str)."""
        outer: Future = Future()
        self._attempt(payload, outer, 1)
        return outer

    def _attempt(self, payload: str, outer: Future, attempt: int) -> None:
        if outer.cancelled():  # the caller gave up: no retry either
            return
        if self._closed.is_set():
            outer.set_exception(EngineError("the translator has been closed"))
            return
        try:
            inner = self._pick().submit(payload, self._timeout_for(payload))
        except EngineError as exc:
            outer.set_exception(exc)
            return
        link(outer, inner)

        def done(f: Future) -> None:
            if f.cancelled() or outer.done():
                return
            exc = f.exception()
            if exc is None:
                settle(outer, f.result())
            elif isinstance(exc, PipelineDied) and exc.timed_out:
                settle(outer, exc=EngineTimeout(
                    f"Apertium did not answer within {self._timeout_for(payload):.1f} s"))
            elif (isinstance(exc, PipelineDied) and attempt < ATTEMPTS
                  and not self._closed.is_set()):
                self._attempt(payload, outer, attempt + 1)
            else:
                settle(outer, exc=exc)

        inner.add_done_callback(done)

    def run(self, payload: str) -> str:
        """Send one request and wait for the answer (at most its deadline, then
        EngineTimeout)."""
        return self.submit(payload).result()

    @property
    def running(self) -> int:
        """How many of the pipelines have processes now."""
        return sum(p.running for p in self.pipelines)

    def _watch(self) -> None:
        while not self._closed.wait(0.25):
            now = time.monotonic()
            for p in self.pipelines:
                p.check_timeouts(now)

    def close(self) -> None:
        self._closed.set()
        for p in self.pipelines:
            p.close()
