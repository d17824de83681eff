"""Waiting for a condition in tests, with a limit that fails the test."""

from __future__ import annotations

import time
from typing import Callable


def wait_until(condition: Callable[[], object], limit: float, step: float = 0.01) -> float:
    """Seconds until ``condition()`` held; AssertionError after ``limit`` seconds."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > limit:
            raise AssertionError(f"not within {limit} s")
        time.sleep(step)
    return time.monotonic() - start
