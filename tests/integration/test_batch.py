"""``omset batch`` on real Dask processes and real Apertium pipelines.

Every expected output comes from ``omset translate`` run on the same records in the same
test; the runs use small partitions so that even small inputs have many of them.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from .webserver import stop

OMSET = [sys.executable, "-m", "omset"]
DASK = str(Path(sys.executable).with_name("dask"))
ARTICLE = Path(__file__).resolve().parents[2] / "examples" / "artikkel.nb.txt"
SUMMARY = re.compile(r"(\d+) partitions translated, (\d+) already done")


def sentences() -> list[str]:
    return [line for line in ARTICLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def omset(args: list[str], data: bytes | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(OMSET + args, input=data, capture_output=True, timeout=timeout,
                          check=False)


def translate_lines(lines: list[str]) -> list[str]:
    """What ``omset translate --lines`` makes of these lines (one line each)."""
    r = omset(["translate", "--lines", "--workers", "2"], "".join(f"{ln}\n" for ln in lines).encode())
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8").split("\n")
    assert out[-1] == "" and len(out) == len(lines) + 1
    return out[:-1]


def wait_gone(pids: list[int], seconds: float = 30) -> list[int]:
    """The pids still alive after waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if psutil.pid_exists(p)
                 and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.2)
    return alive


def parts(outdir: Path) -> list[Path]:
    return sorted((outdir / ".omset-batch" / "files").rglob("*.out"))


# -- one local run over text, JSON Lines and Parquet, with bad records ------------------

@pytest.fixture(scope="module")
def local_run(apertium_installed, tmp_path_factory):
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = sentences()
    base = tmp_path_factory.mktemp("batch")
    corpus = base / "corpus"
    (corpus / "sub").mkdir(parents=True)
    text = [src[i % len(src)] for i in range(90)]
    (corpus / "a.txt").write_text("".join(f"{ln}\n" for ln in text), encoding="utf-8")
    records = [{"id": i, "text": src[(i * 7) % len(src)], "meta": {"n": i}} for i in range(45)]
    records[3]["text"] = None  # left alone
    (corpus / "sub" / "b.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    cells = [src[(i * 3) % len(src)] for i in range(40)]
    cells[5] = None
    pq.write_table(pa.table({"id": list(range(40)), "text": cells}), corpus / "c.parquet",
                   row_group_size=15)
    good = ["Jeg kommer hjem.", "Vi kommer i morgen."]
    (corpus / "bad.txt").write_bytes(
        good[0].encode() + b"\n" + b"Her er \xe6\xf8\xe5 ikke UTF-8.\n" + ("ord " * 600).encode()
        + b"\n" + b"Han\x00 kommer.\n" + good[1].encode() + b"\n")
    (corpus / "bad.jsonl").write_bytes(
        b'{"text": "Jeg kommer hjem."}\n{"text": "brutt\n[1, 2]\n'
        + json.dumps({"text": "ord " * 600}).encode() + b"\n"
        + b'{"text": 12}\n{"text": "Vi kommer i morgen.", "x": 1}\n')
    out = base / "out"
    r = omset(["batch", str(corpus), "-o", str(out), "--lines", "--workers", "2",
               "--partition-records", "10", "--max-record-bytes", "2000"])
    want = translate_lines(text + [r["text"] for r in records if r["text"]]
                           + [c for c in cells if c] + ["Jeg kommer hjem.", "Han kommer.",
                                                        "Vi kommer i morgen."])
    return {"r": r, "out": out, "corpus": corpus, "text": text, "records": records,
            "cells": cells, "want": want}


def test_text_jsonl_parquet_equal_translate_lines(local_run):
    r, out, want = local_run["r"], local_run["out"], list(local_run["want"])
    assert r.returncode == 3, r.stderr  # finished, with bad records
    n = len(local_run["text"])
    assert (out / "a.txt").read_text(encoding="utf-8") == "".join(f"{ln}\n" for ln in want[:n])
    want = want[n:]
    got = [json.loads(ln) for ln in (out / "sub" / "b.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == [r["id"] for r in local_run["records"]]
    assert [g["meta"] for g in got] == [r["meta"] for r in local_run["records"]]
    assert got[3]["text"] is None
    texts = [g["text"] for g in got if g["text"] is not None]
    assert texts == want[:len(texts)]
    want = want[len(texts):]
    import pyarrow.parquet as pq

    table = pq.read_table(out / "c.parquet")
    assert table.column("id").to_pylist() == list(range(40))
    cells = table.column("text").to_pylist()
    assert cells[5] is None
    assert [c for c in cells if c is not None] == want[:39]


def test_bad_records_go_to_errors_jsonl_and_the_rest_is_translated(local_run):
    out, corpus = local_run["out"], local_run["corpus"]
    hello, comes, tomorrow = local_run["want"][-3:]
    assert (out / "bad.txt").read_text(encoding="utf-8").split("\n") == \
        [hello, "", "", comes, tomorrow, ""]
    got = (out / "bad.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(got[0]) == {"text": hello}
    assert got[1] == '{"text": "brutt' and got[2] == "[1, 2]"  # copied as they were
    assert got[3] == ""  # too long to be read: its place is kept
    assert json.loads(got[4]) == {"text": None}
    assert json.loads(got[5]) == {"text": tomorrow, "x": 1}
    errors = [json.loads(ln) for ln in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    where = {(Path(e["file"]).name, e["line"]): e["reason"] for e in errors}
    assert set(where) == {("bad.txt", 2), ("bad.txt", 3), ("bad.jsonl", 2), ("bad.jsonl", 3),
                          ("bad.jsonl", 4), ("bad.jsonl", 5)}
    assert "not valid UTF-8" in where["bad.txt", 2]
    assert "over the limit of 2000 bytes" in where["bad.txt", 3]
    assert "not valid JSON" in where["bad.jsonl", 2]
    assert "not a JSON object" in where["bad.jsonl", 3]
    assert "over the limit" in where["bad.jsonl", 4] and "not text" in where["bad.jsonl", 5]
    stderr = local_run["r"].stderr.decode()
    assert "6 record(s) could not be translated" in stderr
    assert all(Path(e["file"]).is_relative_to(corpus) for e in errors)


def test_a_second_run_has_nothing_left_to_do(local_run):
    out, corpus = local_run["out"], local_run["corpus"]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()
              and ".omset-batch" not in p.parts and p.name != "errors.jsonl"}
    r = omset(["batch", str(corpus), "-o", str(out), "--lines", "--workers", "2",
               "--partition-records", "10", "--max-record-bytes", "2000"])
    assert r.returncode == 3, r.stderr  # the same bad records are still reported
    stderr = r.stderr.decode()
    assert "0 partitions translated, 0 already done, 5 of 5 files already done" in stderr
    assert "workers" not in stderr  # no cluster was started
    assert {p: p.stat().st_mtime_ns for p in before} == before
    other = omset(["batch", str(corpus), "-o", str(out), "--workers", "2"])
    assert other.returncode == 2 and b"other options" in other.stderr


# -- the distributed path: a scheduler and two workers as separate processes ------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing listens on port {port}")


@contextmanager
def dask_cluster() -> Iterator[tuple[int, list[subprocess.Popen]]]:
    """A ``dask scheduler`` and two ``dask worker`` processes on loopback, ready; stopped
    afterwards. Yields the scheduler's port and the processes (scheduler first)."""
    port = _free_port()
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        _wait_port(port)
        for name in ("w1", "w2"):
            procs.append(subprocess.Popen(
                [DASK, "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "2", "--name", name,
                 "--no-dashboard", "--host", "127.0.0.1"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(f"tcp://127.0.0.1:{port}", timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield port, procs
    finally:
        for p in reversed(procs):
            stop(p)


def test_scheduler_and_two_workers_on_loopback_paragraph_mode(apertium_installed, tmp_path):
    src = sentences()
    # paragraphs, some hard-wrapped over two lines, blank lines between
    paras = []
    for i in range(40):
        s = src[i % len(src)]
        words = s.split()
        if i % 3 == 0 and len(words) > 6 and s.endswith("."):
            cut = len(words) // 2
            words[cut] = words[cut].lower()
            s = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
        paras.append(s)
    text = "\n\n".join(paras) + "\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "doc.txt").write_text(text, encoding="utf-8")
    want = omset(["translate", "--workers", "2"], text.encode())
    assert want.returncode == 0, want.stderr
    with dask_cluster() as (port, procs):
        r = omset(["batch", str(tmp_path / "in" / "*.txt"), "-o", str(tmp_path / "out"),
                   "--scheduler", f"tcp://127.0.0.1:{port}", "--partition-records", "6"])
        assert r.returncode == 0, r.stderr
        assert (tmp_path / "out" / "doc.txt").read_text(encoding="utf-8") == want.stdout.decode()
        done = SUMMARY.search(r.stderr.decode())
        assert done and int(done.group(1)) > 5, r.stderr
        assert "on 2 workers" in r.stderr.decode()
        # the run's translators are stopped: no Apertium process is left under the workers
        workers = [psutil.Process(p.pid) for p in procs[1:]]
        left = [c for w in workers for c in w.children(recursive=True)
                if "lt-proc" in " ".join(c.cmdline()) or "apertium" in " ".join(c.cmdline())]
        assert wait_gone([c.pid for c in left]) == []


# -- faults: a worker killed, a run interrupted -----------------------------------------

BIG_LINES = 600
BIG_PARTS = BIG_LINES // 20   # --partition-records 20


@pytest.fixture(scope="module")
def big(apertium_installed, tmp_path_factory):
    """A text of BIG_LINES lines and what ``omset translate --lines`` makes of it."""
    src = sentences()
    words = src[1].split()
    unique = src + [" ".join(words[i:] + words[:i]) for i in range(1, len(words))]
    lines = [unique[(i * 7) % len(unique)] for i in range(BIG_LINES)]
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text("".join(f"{ln}\n" for ln in lines), encoding="utf-8")
    table = dict(zip(unique, translate_lines(unique)))
    return path, "".join(f"{table[ln]}\n" for ln in lines)


def _start(big_path: Path, out: Path) -> subprocess.Popen:
    # Ctrl-C as a terminal delivers it: a suite started in the background (`make test &`)
    # runs with SIGINT ignored, which every child inherits and keeps (Python installs no
    # handler then), so the run would go on to the end
    return subprocess.Popen(OMSET + ["batch", str(big_path), "-o", str(out), "--lines",
                                     "--workers", "2", "--partition-records", "20"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_parts(proc: subprocess.Popen, out: Path, n: int) -> None:
    deadline = time.monotonic() + 240
    while len(parts(out)) < n:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "no partition was written"
        time.sleep(0.05)


def _workers(proc: subprocess.Popen) -> list[psutil.Process]:
    """The local cluster's worker processes (spawned children of the omset process)."""
    return [c for c in psutil.Process(proc.pid).children(recursive=True)
            if "spawn_main" in " ".join(c.cmdline())]


def test_worker_killed_mid_run_every_record_exactly_once(big, tmp_path):
    path, want = big
    out = tmp_path / "out"
    proc = _start(path, out)
    try:
        _wait_parts(proc, out, 2)
        victim = _workers(proc)[0]
        family = [victim.pid] + [c.pid for c in victim.children(recursive=True)]
        victim.send_signal(signal.SIGKILL)
        assert not (out / "big.txt").exists()  # killed in the middle of the run
        _, stderr = proc.communicate(timeout=400)
        assert proc.returncode == 0, stderr
        assert (out / "big.txt").read_text(encoding="utf-8") == want
        assert wait_gone(family) == []  # its Apertium pipeline went with it
    finally:
        stop(proc, 30)


def test_interrupted_run_resumes_without_redoing_finished_partitions(big, tmp_path):
    path, want = big
    out = tmp_path / "out"
    proc = _start(path, out)
    try:
        _wait_parts(proc, out, 3)
        family = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 130, stderr
        assert b"run the same command again" in stderr
        assert wait_gone(family) == []  # workers and pipelines stopped
    finally:
        stop(proc, 30)
    assert not (out / "big.txt").exists()
    finished = len(parts(out))
    assert 3 <= finished < BIG_PARTS
    r = omset(["batch", str(path), "-o", str(out), "--lines", "--workers", "2",
               "--partition-records", "20"])
    assert r.returncode == 0, r.stderr
    done = SUMMARY.search(r.stderr.decode())
    assert done and (int(done.group(1)), int(done.group(2))) == (BIG_PARTS - finished, finished)
    assert (out / "big.txt").read_text(encoding="utf-8") == want
