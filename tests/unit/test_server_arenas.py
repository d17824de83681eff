"""The service caps glibc's malloc arenas (omset.server.arenas): threads started after
the cap share two arenas instead of getting one each (up to 8 per core), which is where
the server's RSS grew over a soak while its Python allocations stayed flat."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from omset.server.arenas import ARENAS, Trimmer, limit_arenas

# 16 threads each allocate (and free) blocks that Python takes from malloc (> 512
# bytes, < glibc's mmap threshold), then the process counts its arenas in malloc_info.
_PROBE = r"""
import ctypes, sys, threading
from omset.server.arenas import limit_arenas
if sys.argv[1] == "limit":
    assert limit_arenas()
barrier = threading.Barrier(16)
def work():
    barrier.wait()
    for _ in range(50):
        blocks = [bytes(20_000) for _ in range(20)]
        del blocks
threads = [threading.Thread(target=work) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.open_memstream.restype = ctypes.c_void_p
libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
libc.fclose.argtypes = (ctypes.c_void_p,)
buf, size = ctypes.c_char_p(), ctypes.c_size_t()
stream = libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
libc.malloc_info(0, stream)
libc.fclose(stream)
print(ctypes.string_at(buf, size.value).decode().count("<heap nr="))
"""

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")


def _arenas(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run([sys.executable, "-c", _PROBE, mode], env=env, check=True,
                         capture_output=True, text=True, timeout=120)
    return int(out.stdout)


@glibc
def test_threads_share_at_most_two_arenas_once_the_service_caps_them():
    assert _arenas("limit") <= ARENAS
    # without the cap the same threads spread over more (so the probe can fail)
    assert _arenas("none") > ARENAS


def test_an_arena_count_set_by_the_operator_wins(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_arenas() is False


# Blocks of 2 kB fill the heap; every 64th stays alive, so the free pages lie below
# blocks in use and glibc cannot give them back by shrinking the heap's top.
_FRAGMENTED = r"""
import sys
from omset.server.arenas import Trimmer

def rss_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

blocks = [bytearray(2000) for _ in range(100_000)]
keep = blocks[::64]
del blocks
before = rss_kib()
trimmer = Trimmer(every=0.05)
assert trimmer.start()
import time
deadline = time.monotonic() + 10
while trimmer.trims == 0 and time.monotonic() < deadline:
    time.sleep(0.01)
trimmer.close()
print(before, rss_kib(), trimmer.trims, len(keep))
"""


@glibc
def test_the_trimmer_hands_freed_pages_below_live_blocks_back():
    out = subprocess.run([sys.executable, "-c", _FRAGMENTED], check=True,
                         capture_output=True, text=True, timeout=120).stdout.split()
    before, after, trims = int(out[0]), int(out[1]), int(out[2])
    assert trims >= 1
    # ~200 MB were allocated and ~197 MB freed: without the trim they stay resident
    assert after < before - 100_000, (before, after)


def test_a_closed_trimmer_stops_and_can_be_closed_twice():
    trimmer = Trimmer(every=3600)
    started = trimmer.start()
    trimmer.close()
    trimmer.close()
    assert trimmer._thread is None
    assert started == (platform.libc_ver()[0] == "glibc")
