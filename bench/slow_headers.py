"""1,000 slow-header clients (slowloris) against `omset serve`, and against the same
app on uvicorn's plain httptools protocol (omset before issue 16), side by side.

    .venv/bin/python bench/slow_headers.py [--clients 1000] [--seconds 25]

For each server: ``--clients`` connections each send a request line and then one
header byte a second; meanwhile a normal client asks ``GET /v1/languages`` every 0.1 s.
Printed: the normal client's median and worst latency with the slow clients (and the
ratio to the same server idle), how many slow clients the server closed within
``--seconds`` (omset: after its 10 s header timeout, with 408; the baseline: none),
and the server's RSS growth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BASELINE = """
import sys, uvicorn
from omset.server import Settings, create_app
uvicorn.run(create_app(Settings(workers=1, warm=())), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", access_log=False, timeout_keep_alive=30)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(kind: str, port: int, log: Path) -> subprocess.Popen:
    if kind == "omset":
        cmd = [sys.executable, "-m", "omset", "serve", "--port", str(port), "--workers", "1",
               "--log-level", "warning"]
    else:
        cmd = [sys.executable, "-c", BASELINE, str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/languages", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(log.read_text())


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _latencies(url: str, seconds: float) -> list[float]:
    out = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t0 = time.monotonic()
            r = await c.get("/v1/languages")
            assert r.status_code == 200
            out.append(time.monotonic() - t0)
            await asyncio.sleep(0.1)
    return out


async def _slow_client(port: int, seconds: float, closed: list[float], start: float) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    writer.write(b"GET /v1/languages HTTP/1.1\r\nHost: t\r\n")
    end = start + seconds
    try:
        while time.monotonic() < end:
            writer.write(b"X")
            await writer.drain()
            try:
                data = await asyncio.wait_for(reader.read(4096), 1.0)
            except asyncio.TimeoutError:
                continue
            if data == b"" or data.startswith(b"HTTP/1.1 408"):
                closed.append(time.monotonic() - start)
                return
    except OSError:
        closed.append(time.monotonic() - start)
    finally:
        writer.close()


async def _drive(port: int, clients: int, seconds: float) -> list[float]:
    closed: list[float] = []
    start = time.monotonic()
    await asyncio.gather(*(_slow_client(port, seconds, closed, start) for _ in range(clients)))
    return closed


def _run(port: int, clients: int, seconds: float) -> tuple[list[float], list[float], list[float]]:
    """The slow clients run in a process of their own (``--drive``), so that their event
    loop cannot delay the normal client's requests, which this process times."""
    url = f"http://127.0.0.1:{port}"
    idle = asyncio.run(_latencies(url, 3))
    driver = subprocess.Popen([sys.executable, __file__, "--drive", str(port), "--clients",
                               str(clients), "--seconds", str(seconds)], stdout=subprocess.PIPE)
    time.sleep(1)
    busy = asyncio.run(_latencies(url, seconds - 1))
    out, _ = driver.communicate(timeout=seconds + 60)
    return idle, busy, json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=25)
    ap.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # the slow clients' process
    args = ap.parse_args()
    if args.drive:
        print(json.dumps(asyncio.run(_drive(args.drive, args.clients, args.seconds))))
        return
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  load average {os.getloadavg()[0]:.1f}  "
          f"{args.clients} slow clients for {args.seconds:g} s")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("baseline", "omset"):
            port = _free_port()
            proc = _start(kind, port, Path(tmp) / f"{kind}.log")
            try:
                rss0 = _rss_mib(proc.pid)
                idle, busy, closed = _run(port, args.clients, args.seconds)
                rss1 = _rss_mib(proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            med_idle, med_busy = statistics.median(idle), statistics.median(busy)
            print(f"{kind:8s}  normal client: median {med_idle * 1000:.1f} ms idle, "
                  f"{med_busy * 1000:.1f} ms with slow clients (x{med_busy / med_idle:.2f}), "
                  f"worst {max(busy) * 1000:.0f} ms  |  slow clients closed by the server: "
                  f"{len(closed)}/{args.clients}"
                  + (f" (after {min(closed):.1f}-{max(closed):.1f} s)" if closed else "")
                  + f"  |  RSS +{rss1 - rss0:.0f} MiB")


if __name__ == "__main__":
    main()
