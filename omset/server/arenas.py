"""How the service uses glibc's malloc: two arenas instead of up to eight per core, and
freed pages handed back to the kernel once a minute.

Why: ``omset serve`` runs ~100 threads (64 request workers, the style executors, three
per pipeline), and glibc gives threads that allocate at the same time arenas of their
own — up to 8 × cores. Every Python object over 512 bytes (a request's text, a stream
payload, an answer) is a ``malloc``, made in the arena of whichever thread made it; what
is freed inside an arena stays there, for that arena's next allocations. Over a
30-minute soak the server's RSS rose 97.9 → 139.7 MB in shrinking steps while its
Python allocations (:mod:`tracemalloc`) stayed flat at ~34 MB: the growth was the arenas
filling (docs/service.md, "Memory of the server process"). With the GIL, Python threads
seldom allocate at the same instant, so two arenas cost no measurable contention.

``$MALLOC_ARENA_MAX``, when set, wins (glibc reads it at start-up); on a C library
without ``mallopt`` (musl, macOS) nothing happens.

Why trim: with two arenas the RSS of a 30-minute soak still rose 83.9 → 104.2 MB in
shrinking steps. glibc returns memory to the kernel only from the top of an arena; a
page freed below a block still in use (a cache entry, a long-lived connection's buffer)
stays resident until ``malloc_trim`` walks the arenas and ``madvise``s the free pages
away. A walk holds each arena's lock for its share of it: 0.1–0.3 ms when there is
little to give back, 11 ms when it gave back 80 MB of 2 kB blocks (measured on this
machine), once a minute (docs/service.md, "Memory of the server process").
"""

from __future__ import annotations

import ctypes
import os
import threading
from typing import Callable

__all__ = ["ARENAS", "TRIM_EVERY", "Trimmer", "limit_arenas"]

#: malloc arenas the service allows
ARENAS = 2
#: seconds between two trims of the service's heap
TRIM_EVERY = 60.0
_M_ARENA_MAX = -8  # glibc's malloc.h


def limit_arenas(count: int = ARENAS) -> bool:
    """Cap the process's malloc arenas at ``count`` for threads started from now on;
    whether it was done (False: ``$MALLOC_ARENA_MAX`` is set, or no glibc)."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_ARENA_MAX, count))


def _malloc_trim() -> Callable[[], object] | None:
    """glibc's ``malloc_trim(0)``, or None on a C library without it."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = (ctypes.c_size_t,)
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class Trimmer:
    """A thread that hands the heap's free pages back to the kernel every ``every``
    seconds, started and stopped by the service's lifespan (its one owner)."""

    def __init__(self, every: float = TRIM_EVERY) -> None:
        self.every = every
        self.trims = 0
        self._trim = _malloc_trim()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start trimming; whether there is anything to do it with (glibc)."""
        if self._trim is None:
            return False
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="omset-malloc-trim",
                                            daemon=True)
            self._thread.start()
        return True

    def trim(self) -> None:
        """One trim now."""
        if self._trim is not None:
            self._trim()
            self.trims += 1

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.trim()

    def close(self) -> None:
        """Stop the thread (at most one trim's time)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
