"""A real `omset serve` on 127.0.0.1 for the browser tests (editor, desk, bench)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a process a test started: SIGTERM, then SIGKILL after ``timeout`` seconds;
    returns once it is gone."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class ServeFailed(RuntimeError):
    """The server exited or did not answer /healthz in time (the log's tail says why)."""


@contextmanager
def serve(log: Path, *args: str, wait: float = 90) -> Iterator[str]:
    """Run ``omset serve`` with ``args`` until the block ends; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "omset", "serve", "--host", "127.0.0.1",
                                 "--port", str(port), *args], stdout=out,
                                stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + wait
        while True:
            if proc.poll() is not None:
                raise ServeFailed(f"omset serve exited with {proc.returncode}:\n"
                                  f"{log.read_text()[-3000:]}")
            try:
                # a loaded machine answers the health probe slowly: wait for it
                with urllib.request.urlopen(base + "healthz", timeout=15) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServeFailed(f"omset serve did not answer /healthz:\n"
                                  f"{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        stop(proc, 10)
