"""Runaway work is bounded (issue 16, section 1): a word too long to be a word, work
whose caller gave up (a 504, a client that hung up), a request of too many segments —
and dead pipelines are replaced when next needed, with /healthz 200 meanwhile.

Real pipelines and a real server on loopback; stand-in commands only where a pipeline
must hang on purpose."""

from __future__ import annotations

import json
import random
import socket
import threading
import time

import httpx
import pytest

from omset import Translator
from omset.engine import Pool, decode_text, encode
from omset.engine.cancel import Cancellation, CancelledError
from omset.text.protect import MAX_TOKEN_CHARS

from .timing import wait_until

SENTENCE = "Regjeringen vil senke skattene for bedrifter som investerer i ny teknologi."


# -- a token too long to be a word ---------------------------------------------------------
@pytest.mark.parametrize("protect", [True, False])
def test_a_huge_word_passes_through_untouched_and_fast(apertium_installed, protect):
    # lt-proc alone took 29.8 s on one 80 kB token; protected, it costs nothing.
    blob = "x" * 200_000
    with Translator("nb", "nn", style="apertium", pool_size=1, protect=protect) as tr:
        start = time.monotonic()
        out = tr.translate(f"Vi kommer hjem. Han skrev {blob} i boka.")
        took = time.monotonic() - start
    assert out.startswith("Vi kjem heim. ") and out.endswith(" i boka.")
    assert out.count(blob) == 1 and len(out) < len(blob) + 60
    assert took < 10, took


def test_a_word_just_under_the_cap_is_still_translated(apertium_installed):
    # the cap is about length alone: a long made-up word under it goes to Apertium
    # (random consonants, none twice in a row: Apertium would shorten a run of three)
    rng = random.Random(16)
    letters = ["b"]
    while len(letters) < MAX_TOKEN_CHARS:
        c = rng.choice("bcdfghjklmnprstv")
        if c != letters[-1]:
            letters.append(c)
    word = "".join(letters)
    with Translator("nb", "nn", style="apertium", pool_size=1, mark_unknown=True) as tr:
        assert tr.translate(word) == f"*{word}"  # Apertium saw it: it marked it unknown
        assert tr.translate(word + "q") == word + "q"  # protected: no mark


# -- cancellation in the engine --------------------------------------------------------------
def test_a_pipeline_busy_with_abandoned_work_is_replaced(tmp_path):
    # The first incarnation hangs (as lt-proc does on a huge token), later ones echo.
    # Its only request is cancelled: well before the 120 s deadline the pipeline is
    # killed, and the next request is answered by a fresh one.
    flag = tmp_path / "first"
    cmd = f"if [ ! -e {flag} ]; then touch {flag}; exec sleep 600; else exec cat; fi"
    pool = Pool(cmd, size=1, timeout=120, timeout_per_kb=0)
    try:
        future = pool.submit(encode("Hei."))
        wait_until(lambda: pool.pipelines[0].running, 10)
        proc = pool.pipelines[0]._proc
        wait_until(lambda: proc is not None and proc.pending and not proc.outbox, 10)  # written
        assert future.cancel()
        took = wait_until(lambda: pool.abandoned == 1, 10)
        assert took < 3, took
        wait_until(lambda: not pool.pipelines[0].running, 2)
        assert decode_text(pool.run(encode("Igjen."))) == "Igjen."
        assert pool.restarts == 1
    finally:
        pool.close()


def test_work_submitted_after_a_cancellation_fails_at_once(apertium_installed):
    with Translator("nb", "nn", style="apertium", pool_size=1) as tr:
        cancellation = Cancellation()
        cancellation.cancel()
        with cancellation.active(), pytest.raises(CancelledError):
            tr.translate("Vi kommer hjem.")
        assert tr.translate("Vi kommer hjem.") == "Vi kjem heim."


# -- the service --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(apertium_installed):
    """An in-process server (uvicorn in a thread) with a 3 s deadline whatever the size
    of the request (normally it grows by 1 s per 20 kB, which a fast machine could
    beat), one pipeline per direction and a small segment limit; yields (url, service)."""
    import uvicorn

    from omset.server import Settings, create_app

    # The pipelines' own watchdog keeps its usual generous limit (a loaded machine may
    # take seconds to start them); the requests' deadline is 3 s.
    settings = Settings(workers=1, timeout=30.0, warm=(("nb", "nn"),), max_segments=2000)
    app = create_app(settings)
    app.state.service.deadline = lambda size: 3.0
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
    try:
        yield url, app.state.service
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _heavy(service):
    return dict(service.engines.pools())["nb-nn"]


def _idle(pool) -> bool:
    return all(p.inflight_bytes == 0 for p in pool.pipelines)


def _all_idle(service) -> bool:
    return all(_idle(pool) for _, pool in service.engines.pools())


# 1,900 different sentences (under the segment limit): far more than one pipeline
# translates in 3 s, so the request is answered 504
BIG = "\n\n".join(f"{SENTENCE} Sak nummer {i} gjelder {i * 7} kroner." for i in range(1900))


def test_work_of_a_request_that_timed_out_stops(server):
    url, service = server
    with httpx.Client(base_url=url, timeout=60) as c:
        assert c.post("/v1/translate", json={"text": "Hei"}).status_code == 200
        r = c.post("/v1/translate", json={"text": BIG})
        assert r.status_code == 504, r.text
        # Without cancellation the pipeline would work on for many seconds more (the
        # whole text takes ~10× the deadline); with it, it is idle about at once.
        settled = wait_until(lambda: _all_idle(service), 15)
        assert settled < 5, settled
        # and the service goes on, right (a pipeline killed meanwhile restarts first,
        # which on a loaded machine can itself take longer than this tiny deadline)
        for _ in range(5):
            r = c.post("/v1/translate", json={"text": "Vi kommer hjem."})
            if r.status_code == 200:
                break
        assert r.status_code == 200, r.text
        assert r.json()["translations"][0]["text"] == "Vi kjem heim."


def test_work_of_a_client_that_hung_up_stops(server):
    url, service = server
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps({"text": BIG}).encode()
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"POST /v1/translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body) + body)
        wait_until(lambda: not _idle(_heavy(service)), 10)  # the work has started
    # hung up well before the 3 s deadline: the work stops soon after
    settled = wait_until(lambda: _all_idle(service), 15)
    assert settled < 2.5, settled


def test_too_many_segments_are_refused_up_front_naming_the_limit(server):
    url, _ = server
    with httpx.Client(base_url=url, timeout=60) as c:
        r = c.post("/v1/translate", json={"text": "\n\n".join(["Hei."] * 2001)})
        assert r.status_code == 413
        assert "2000" in r.json()["error"]
        r = c.post("/v1/translate", json={"text": ["Hei.\n\nHo."] * 1001})
        assert r.status_code == 413
        r = c.post("/translate", json={"q": "\n\n".join(["Hei."] * 2001), "source": "nb",
                                       "target": "nn"})
        assert r.status_code == 413 and "2000" in r.text


# -- dead pipelines are replaced when next needed ------------------------------------------
def test_dead_idle_pipelines_restart_when_needed_and_health_stays_ok(server):
    # Every pipeline of the direction is killed (SIGKILL to each process, as the OOM
    # killer would) while idle. Nothing is started in their place until work comes:
    # then /healthz starts what it needs, answers 200, and requests are answered right.
    import os
    import signal

    url, service = server
    with httpx.Client(base_url=url, timeout=60) as c:
        assert c.post("/v1/translate", json={"text": "Hei"}).status_code == 200
        engine = service.engines.translator("nb", "nn").engine
        pools = [pool for _, pool in engine.pools()]
        wait_until(lambda: all(_idle(pool) for pool in pools), 15)
        before = sum(pool.restarts for pool in pools)
        for pool in pools:
            for pipeline in pool.pipelines:
                for pid in pipeline.pids:
                    os.kill(pid, signal.SIGKILL)
        wait_until(lambda: all(pool.running == 0 for pool in pools), 10)
        time.sleep(0.5)
        assert all(pool.running == 0 for pool in pools)  # lazily: nothing restarted yet
        r = c.get("/healthz")
        assert r.status_code == 200, r.text
        assert sum(pool.restarts for pool in pools) > before
        r = c.post("/v1/translate", json={"text": "Vi kommer hjem."})
        assert r.status_code == 200 and r.json()["translations"][0]["text"] == "Vi kjem heim."
