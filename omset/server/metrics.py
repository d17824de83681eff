"""Prometheus metrics: requests by route and status, latency, words, pipeline restarts.

Each app has its own registry, so several apps (tests) can live in one process.
Route labels come from the app's own route table; anything else is ``other``, so a
scan of random URLs cannot blow up the number of series.
"""

from __future__ import annotations

import threading
import time
from collections import Counter as Tally, deque
from typing import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class ApyStats:
    """What APy's ``/stats`` reports: uptime, translations per pair, and the time and
    characters of the last ``keep`` translations."""

    def __init__(self, keep: int = 10_000):
        self.started = time.time()
        self._lock = threading.Lock()
        self.use_count: Tally[str] = Tally()
        self._timing: deque[tuple[float, float, int]] = deque(maxlen=keep)

    def note(self, pair: str, started: float, chars: int) -> None:
        """One translation of ``chars`` characters on ``pair`` (a mode name) finished."""
        with self._lock:
            self.use_count[pair] += 1
            self._timing.append((started, time.time(), chars))

    def period(self, requests: int) -> dict[str, float | int]:
        """APy's ``periodStats`` over the last ``requests`` translations."""
        with self._lock:
            last = list(self._timing)[-requests:] if requests > 0 else []
        spent = sum(end - start for start, end, _ in last)
        chars = sum(n for _, _, n in last)
        return {"charsPerSec": round(chars / spent, 2) if spent else 0.0,
                "totChars": chars, "totTimeSpent": spent, "requests": len(last),
                "ageFirstRequest": time.time() - last[0][0] if last else 0}


class RestartCollector:
    """Reads the pools' restart counts when scraped (the pools count them anyway)."""

    def __init__(self, restarts: Callable[[], dict[str, int]]):
        self._restarts = restarts

    def collect(self) -> Iterable[CounterMetricFamily]:
        fam = CounterMetricFamily("omset_pipeline_restarts",
                                  "Apertium pipelines restarted after dying or timing out",
                                  labels=["pool"])
        for name, count in sorted(self._restarts().items()):
            fam.add_metric([name], count)
        yield fam


class Metrics:
    """The app's collectors."""

    def __init__(self, restarts: Callable[[], dict[str, int]]):
        self.registry = CollectorRegistry()
        self.requests = Counter("omset_http_requests", "HTTP requests by route, method, status",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("omset_http_request_duration_seconds",
                                 "Time to answer an HTTP request", ["route"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.in_flight = Gauge("omset_http_requests_in_flight", "Requests being answered",
                               registry=self.registry)
        self.words = Counter("omset_words_translated", "Words of source text translated",
                             ["source", "target"], registry=self.registry)
        self.documents = Counter("omset_documents_translated", "Documents translated, by format",
                                 ["format"], registry=self.registry)
        self.registry.register(RestartCollector(restarts))
        self.routes: frozenset[str] = frozenset()

    def route_label(self, path: str) -> str:
        if path in self.routes:
            return path
        return "static" if not path.startswith("/v1/") and "." in path.rsplit("/", 1)[-1] \
            else "other"


class MetricsMiddleware:
    """ASGI middleware timing every HTTP request and counting it by final status."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.in_flight.dec()
            route = self.metrics.route_label(scope["path"])
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)
