"""A pool of warm pipelines for one mode, with dispatch, time-outs and one retry."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future

from ..errors import EngineError, EngineTimeout
from .pipeline import Pipeline, PipelineDied


class Pool:
    """``size`` identical pipelines; each request goes to the least busy one.

    A request whose pipeline dies or times out is retried once, on a restarted
    pipeline; a second failure reaches the caller as EngineError / EngineTimeout.
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

    def warm_up(self) -> None:
        for p in self.pipelines:
            p.warm_up()

    @property
    def restarts(self) -> int:
        return sum(p.restarts for p in self.pipelines)

    @property
    def recycled(self) -> int:
        """Pipelines replaced because they had grown past their memory budget."""
        return sum(p.recycled for p in self.pipelines)

    def alive(self) -> bool:
        return not self._closed.is_set()

    def _timeout_for(self, payload: str) -> float:
        return self.timeout + self.timeout_per_kb * len(payload) / 1024

    def _pick(self) -> Pipeline:
        return min(self.pipelines, key=lambda p: p.inflight_bytes)

    def submit(self, payload: str) -> Future:
        """Translate one stream-format request asynchronously (raw answer as str)."""
        outer: Future = Future()
        self._attempt(payload, outer, 1)
        return outer

    def _attempt(self, payload: str, outer: Future, attempt: int) -> None:
        if self._closed.is_set():
            outer.set_exception(EngineError("the translator has been closed"))
            return
        try:
            inner = self._pick().submit(payload, self._timeout_for(payload))
        except EngineError as exc:
            outer.set_exception(exc)
            return

        def done(f: Future) -> None:
            exc = f.exception()
            if exc is None:
                outer.set_result(f.result())
            elif isinstance(exc, PipelineDied) and attempt < 2 and not self._closed.is_set():
                self._attempt(payload, outer, attempt + 1)
            elif isinstance(exc, PipelineDied) and exc.timed_out:
                outer.set_exception(EngineTimeout(
                    f"Apertium did not answer within {self._timeout_for(payload):.0f} s, twice"))
            else:
                outer.set_exception(exc)

        inner.add_done_callback(done)

    def run(self, payload: str) -> str:
        """Translate one request and wait for the answer."""
        return self.submit(payload).result()

    def _watch(self) -> None:
        while not self._closed.wait(0.25):
            now = time.monotonic()
            for p in self.pipelines:
                p.check_timeouts(now)

    def close(self) -> None:
        self._closed.set()
        for p in self.pipelines:
            p.close()
