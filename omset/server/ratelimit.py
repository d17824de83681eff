"""Per-client request and character limits, as LibreTranslate's ``--req-limit`` and
``--char-limit`` define them.

- ``req_limit``: costly requests (translate, detect, documents) per minute per client —
  its API key when it presented one, else its address. Over it: 429 with
  ``Retry-After`` (seconds until the next request is allowed). The count is a
  generic cell rate algorithm (GCRA): one timestamp per client, a burst of the whole
  minute's allowance, then one request per ``60 / req_limit`` seconds — no window edge
  where twice the limit gets through, and memory per client is one float.
- ``char_limit``: characters of text one request may ask to translate (the sum over a
  list, as LibreTranslate counts); over it: 400 on the LibreTranslate routes with its
  message, 413 naming the limit elsewhere.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable, Sequence

from .errors import ApiError, Family

class RateLimited(ApiError):
    """429 with the seconds to wait (``Retry-After``)."""

    def __init__(self, message: str, family: Family, retry_after: int):
        super().__init__(429, message, family)
        self.retry_after = retry_after


class RateLimiter:
    """GCRA per client: ``per_minute`` requests a minute, a minute's worth at once."""

    #: clients remembered before idle ones (whose allowance is whole again) are dropped
    PRUNE_AT = 100_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._tat: dict[str, float] = {}  # theoretical arrival time of each client's next request
        self._lock = threading.Lock()

    def charge(self, client: str) -> float:
        """Count one request of ``client``: 0 when allowed, else seconds to wait."""
        now = self._clock()
        with self._lock:
            tat = max(self._tat.get(client, now), now)
            wait = tat + self.interval - now - 60.0
            if wait > 0:
                return wait
            self._tat[client] = tat + self.interval
            if len(self._tat) > self.PRUNE_AT:
                self._tat = {c: t for c, t in self._tat.items() if t > now}
        return 0.0


def charge_request(limiter: RateLimiter | None, client: str, family: Family) -> None:
    """Count one request of ``client``; 429 when it is over its limit."""
    if limiter is None:
        return
    wait = limiter.charge(client)
    if wait > 0:
        retry = max(1, math.ceil(wait))
        limit = f"{limiter.per_minute} per 1 minute"
        message = f"Slowdown: {limit}" if family == "lt" else \
            f"too many requests: the limit is {limit}; retry in {retry} s"
        raise RateLimited(message, family, retry)


def check_chars(char_limit: int, texts: Sequence[str], family: Family) -> None:
    """Refuse a request of more than ``char_limit`` characters of text (0: no limit)."""
    if not char_limit:
        return
    chars = sum(len(t) for t in texts)
    if chars > char_limit:
        if family == "lt":
            raise ApiError(400, f"Invalid request: request ({chars}) exceeds text limit "
                                f"({char_limit})", family)
        raise ApiError(413, f"too much text: {chars} characters, the limit is {char_limit} "
                            f"per request", family)
