"""Two glibc malloc arenas for the service instead of up to eight per core.

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
"""

from __future__ import annotations

import ctypes
import os

__all__ = ["ARENAS", "limit_arenas"]

#: malloc arenas the service allows
ARENAS = 2
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
