"""The service's HTTP edges, attacked as a hostile or careless client would (issue 16,
"HTTP edges"): huge and slow request heads, idle connections, a client that writes its
whole body before reading, lone surrogates, wrong methods, hang-ups, logs, rate limits.

Each runs against `omset serve` on 127.0.0.1 over real sockets.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import httpx
import pytest

from tests.integration.test_service import _free_port, _metric, _raw, _wait_healthy
from tests.integration.webserver import stop

MAX_BODY = 256 * 1024
MAX_HEADER = 16 * 1024
HEADER_TIMEOUT = 2.0
KEEP_ALIVE = 2.0
KEYS = ("key-a", "key-b")
REQ_LIMIT = 6  # one request per 10 s after the first six: wide margins on a busy machine
CHAR_LIMIT = 60


def _serve(log: Path, *args: str) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    err = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "omset", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1", "--timeout", "120", *args], stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, None)
    except RuntimeError:
        proc.kill()
        raise RuntimeError(log.read_text(errors="replace")) from None
    return url, proc


@pytest.fixture(scope="module")
def edge(apertium_installed, tmp_path_factory):
    """`omset serve` with small head/idle limits and JSON logs: (url, process, log file)."""
    log = tmp_path_factory.mktemp("edge") / "serve.log"
    url, proc = _serve(log, "--max-body", str(MAX_BODY), "--max-header", str(MAX_HEADER),
                       "--header-timeout", str(HEADER_TIMEOUT), "--keep-alive", str(KEEP_ALIVE),
                       "--log-format", "json")
    yield url, proc, log
    stop(proc)


@pytest.fixture(scope="module")
def limited(apertium_installed, tmp_path_factory):
    """`omset serve` with API keys, --req-limit and --char-limit."""
    tmp = tmp_path_factory.mktemp("limited")
    keys = tmp / "keys.txt"
    keys.write_text("\n".join(KEYS) + "\n", encoding="utf-8")
    url, proc = _serve(tmp / "serve.log", "--api-key-file", str(keys),
                       "--req-limit", str(REQ_LIMIT), "--char-limit", str(CHAR_LIMIT),
                       "--log-level", "warning")
    yield url
    stop(proc)


def _addr(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# -- request heads ----------------------------------------------------------------------------
def test_a_head_over_the_limit_gets_431(edge):
    url, _, _ = edge
    head = (b"GET /v1/languages HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * (MAX_HEADER + 10)
            + b"\r\n\r\n")  # arrives whole, in one read
    status, data, _ = _raw(url, head)
    assert status == 431, data[:200]
    assert str(MAX_HEADER).encode() in data
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(MAX_HEADER // 100))
    status, _, _ = _raw(url, b"GET /v1/languages HTTP/1.1\r\nHost: t\r\n" + many + b"\r\n")
    assert status == 431
    status, _, _ = _raw(url, b"GET /v1/languages?" + b"q" * (MAX_HEADER + 10) + b" HTTP/1.1\r\n"
                        b"Host: t\r\n\r\n")
    assert status == 431
    # just under the limit is fine
    status, _, _ = _raw(url, b"GET /v1/languages HTTP/1.1\r\nHost: t\r\nX-Ok: "
                        + b"a" * (MAX_HEADER - 200) + b"\r\n\r\n")
    assert status == 200


def test_a_200_mb_header_is_refused_without_reading_it(edge):
    url, proc, _ = edge
    before = _rss_kib(proc.pid)
    answer = bytearray()
    with socket.create_connection(_addr(url), timeout=30) as s:
        def read() -> None:
            try:
                while chunk := s.recv(65536):
                    answer.extend(chunk)
            except OSError:
                pass
        reader = threading.Thread(target=read)
        reader.start()
        sent = 0
        block = b"a" * (1 << 20)
        try:
            s.sendall(b"GET /v1/languages HTTP/1.1\r\nHost: t\r\nX-Huge: ")
            while sent < 200 << 20:
                s.sendall(block)
                sent += len(block)
        except OSError:
            pass  # the server stopped listening after a bounded linger
        reader.join(timeout=60)
    assert answer.startswith(b"HTTP/1.1 431"), bytes(answer[:100])
    assert sent < 200 << 20, "the server read the whole 200 MB header"
    grown_mib = (_rss_kib(proc.pid) - before) / 1024
    assert grown_mib < 32, f"RSS grew by {grown_mib:.0f} MiB"


def test_slow_heads_time_out_and_do_not_delay_others(edge):
    """200 clients that send their headers a few bytes a second (slowloris): a normal
    client is answered at once meanwhile, and each slow one gets 408 and is closed
    after the header timeout, however it trickles."""
    url, _, _ = edge
    slow = []
    for _ in range(200):
        s = socket.create_connection(_addr(url), timeout=10)
        s.sendall(b"GET /v1/languages HTTP/1.1\r\nHost: t\r\n")
        slow.append(s)
    started = time.monotonic()
    worst = 0.0
    with httpx.Client(base_url=url, timeout=10) as c:
        while time.monotonic() - started < HEADER_TIMEOUT * 1.5:
            for s in slow:
                try:
                    s.send(b"X")  # keep trickling
                except OSError:
                    pass
            t0 = time.monotonic()
            assert c.get("/v1/languages").status_code == 200
            worst = max(worst, time.monotonic() - t0)
            time.sleep(0.2)
    assert worst < 1.0, f"a normal client waited {worst:.2f} s"
    closed = 0
    for s in slow:
        s.settimeout(HEADER_TIMEOUT + 5)
        data = b""
        try:
            while chunk := s.recv(4096):
                data += chunk
        except OSError:
            pass
        closed += data.startswith(b"HTTP/1.1 408")
        s.close()
    assert closed == len(slow)


def test_idle_connections_are_closed(edge):
    url, _, _ = edge
    # a connection that never sends a byte
    with socket.create_connection(_addr(url), timeout=KEEP_ALIVE + 10) as s:
        t0 = time.monotonic()
        assert s.recv(100) == b""
        assert KEEP_ALIVE - 0.5 < time.monotonic() - t0 < KEEP_ALIVE + 3
    # kept alive after an answer; blank lines (no request) do not restart the clock
    with socket.create_connection(_addr(url), timeout=KEEP_ALIVE + 10) as s:
        s.sendall(b"GET /v1/languages HTTP/1.1\r\nHost: t\r\n\r\n")
        data = b""
        while b"Norwegian Nynorsk" not in data:
            data += s.recv(65536)
        t0 = time.monotonic()
        for _ in range(int(KEEP_ALIVE * 4)):
            time.sleep(0.25)
            try:
                s.send(b"\r\n")
            except OSError:
                break
        s.settimeout(KEEP_ALIVE + 5)
        try:
            rest = s.recv(100)
        except OSError:
            rest = b""
        assert rest == b""
        assert time.monotonic() - t0 < KEEP_ALIVE + 4


# -- bodies ------------------------------------------------------------------------------------
def test_a_client_writing_its_whole_body_first_gets_its_413(edge):
    """Python's urllib sends all of a 20 MB body before reading: the server answers 413
    by Content-Length at once, then lingers reading (and dropping) the rest, so the
    client sees its 413 and not a reset connection."""
    url, _, _ = edge
    for _ in range(3):
        req = urllib.request.Request(url + "/v1/translate", data=b"x" * 20_000_000,
                                     headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=60)
        assert exc.value.code == 413
        assert "too large" in json.loads(exc.value.read())["error"]
    with httpx.Client(base_url=url) as c:  # and the service goes on
        assert c.get("/v1/languages").status_code == 200


def test_a_client_hanging_up_mid_body_is_499_not_500(edge):
    url, _, _ = edge
    with httpx.Client(base_url=url, timeout=30) as c:
        def counts() -> tuple[float, float]:
            text = c.get("/metrics").text
            return (_metric(text, "omset_http_requests_total", route="/v1/detect", status="499"),
                    _metric(text, "omset_http_requests_total", status="500"))
        before = counts()
        for _ in range(3):
            with socket.create_connection(_addr(url)) as s:
                s.sendall(b"POST /v1/detect HTTP/1.1\r\nHost: t\r\nContent-Type: application/json"
                          b"\r\nContent-Length: 1000\r\n\r\n{\"text\": \"Hei")
                time.sleep(0.2)
        deadline = time.monotonic() + 10
        while counts()[0] < before[0] + 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        after = counts()
    assert after[0] == before[0] + 3
    assert after[1] == before[1]


# -- lone surrogates ---------------------------------------------------------------------------
@pytest.mark.parametrize("path, body, field", [
    ("/v1/translate", '{"text": "Hei", "prefs": ["\\ud800"]}', "prefs[0]"),
    ("/v1/translate", '{"text": "Hei", "style": "a\\udfff"}', "style"),
    ("/v1/translate", '{"text": ["ok", "\\udc00 x"]}', "text[1]"),
    ("/v1/translate", '{"text": "Hei", "glossary": {"hus": "\\ud800"}}', "glossary.hus"),
    ("/v1/translate", '{"text": "Hei", "glossary": {"\\ud800": "x"}}', "member name in glossary"),
    ("/v1/detect", '{"text": "\\ud83d"}', "text"),
    ("/translate", '{"q": "Hei", "source": "nb", "target": "\\ud800"}', "target"),
    ("/translate", '{"q": "Hei", "source": "nb", "target": "nn", "format": "\\ud800"}', "format"),
    ("/translate", '{"q": "Hei", "source": "nb", "target": "nn", "api_key": "\\udbff"}', "api_key"),
    ("/translate", '{"q": "Hei", "source": "\\ud800", "target": "nn"}', "source"),
    ("/detect", '{"q": "\\ud800"}', "q"),
])
def test_lone_surrogates_are_400_naming_the_field(edge, path, body, field):
    url, _, _ = edge
    r = httpx.post(url + path, content=body.encode(), timeout=30,
                   headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert field in r.json()["error"] and "surrogate" in r.json()["error"]
    # a paired surrogate (an emoji) is fine
    if path == "/v1/detect":
        r = httpx.post(url + path, json={"text": "Hei \U0001F600"}, timeout=30)
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("query, field", [
    ("langpair=nob|nno&q=%ED%A0%80", "'q'"),        # a surrogate in UTF-8: not valid UTF-8
    ("langpair=%ED%B0%80&q=Hei", "'langpair'"),
    ("q=Hei&%ED%A0%80=1", "(name)"),
])
def test_bad_query_parameters_are_400_naming_them(edge, query, field):
    url, _, _ = edge
    r = httpx.get(f"{url}/translate?{query}", timeout=30)
    assert r.status_code == 400, r.text
    body = r.json()
    assert field in (body.get("explanation") or body.get("error"))


# -- methods and schema ------------------------------------------------------------------------
@pytest.mark.parametrize("method, path, allow", [
    ("GET", "/v1/translate", "POST"), ("DELETE", "/v1/translate", "POST"),
    ("PUT", "/translate", "GET, POST"), ("OPTIONS", "/identifyLang", "GET, POST"),
    ("POST", "/v1/styles", "GET"), ("POST", "/metrics", "GET"),
])
def test_a_wrong_method_is_405_with_the_routes_allow(edge, method, path, allow):
    url, _, _ = edge
    r = httpx.request(method, url + path, timeout=30)
    assert r.status_code == 405, r.text
    assert r.headers["allow"] == allow


def test_openapi_says_what_the_routes_do(edge):
    url, _, _ = edge
    with httpx.Client(base_url=url, timeout=60) as c:
        spec = c.get("/openapi.json").json()
        ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
        assert len(ids) == len(set(ids)), "operationIds repeat"
        for path, ops in spec["paths"].items():
            for method, op in ops.items():
                assert "422" not in op["responses"], (path, method)
                assert "400" in op["responses"], (path, method)
        metrics = spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
        assert list(metrics) == [c.get("/metrics").headers["content-type"]]
        assert [p["name"] for p in spec["paths"]["/translate"]["get"]["parameters"]][:2] == \
            ["langpair", "q"]
        # strict booleans: "yes" is refused, not guessed
        r = c.post("/v1/translate", json={"text": "Hei", "detailed": "yes"})
        assert r.status_code == 400 and "detailed" in r.json()["error"]
        assert c.post("/v1/translate", json={"text": "Hei", "detailed": False}).status_code == 200
        # an upload's unknown ending is refused, not read as text
        r = c.post("/v1/translate/document", files={"file": ("bilde.png", b"Hei", "image/png")})
        assert r.status_code == 400 and "'.png'" in r.json()["error"]
        r = c.post("/v1/translate/document", files={"file": ("bilde.png", b"Hei", "image/png")},
                   data={"format": "text"})
        assert r.status_code == 200, r.text


# -- logs and request ids ----------------------------------------------------------------------
def test_json_logs_and_error_bodies_carry_the_request_id(edge):
    url, _, log = edge
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.post("/v1/translate", json={"text": "Hei", "source": "xx"},
                   headers={"X-Request-ID": "edge-test-7"})
        assert r.status_code == 400
        assert r.json()["request_id"] == "edge-test-7" == r.headers["x-request-id"]
        r = c.get("/v1/nothing")
        rid = r.headers["x-request-id"]
        assert r.json()["request_id"] == rid and len(rid) == 16
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        access = {rec.get("request_id"): rec for rec in records if rec["logger"] == "omset.access"}
        if "edge-test-7" in access and rid in access:
            break
        time.sleep(0.1)
    assert access["edge-test-7"]["status"] == 400 and access["edge-test-7"]["path"] == "/v1/translate"
    assert access[rid]["status"] == 404
    assert all({"time", "level", "logger", "message"} <= set(rec) for rec in records)


# -- rate limits -------------------------------------------------------------------------------
def test_requests_per_minute_per_key_get_429_with_retry_after(limited):
    a = {"X-API-Key": KEYS[0]}
    with httpx.Client(base_url=limited, timeout=60) as c:
        # the whole minute's allowance at once, then one per 60/REQ_LIMIT s: however slow
        # the machine, no more get through than that
        start, ok = time.monotonic(), 0
        while (r := c.post("/v1/detect", json={"text": "Hei"}, headers=a)).status_code == 200:
            ok += 1
            assert ok <= REQ_LIMIT + (time.monotonic() - start) * REQ_LIMIT / 60 + 1
        assert ok >= REQ_LIMIT
        assert r.status_code == 429, r.text
        wait = int(r.headers["retry-after"])
        assert 1 <= wait <= 60 // REQ_LIMIT + 1
        assert f"{REQ_LIMIT} per 1 minute" in r.json()["error"]
        # the LibreTranslate route answers in its own shape, and so does APy's
        r = c.post("/translate", json={"q": "Hei", "source": "nb", "target": "nn",
                                       "api_key": KEYS[0]})
        assert r.status_code == 429 and r.json() == {"error": f"Slowdown: {REQ_LIMIT} per 1 minute"}
        r = c.get("/translate", params={"langpair": "nob|nno", "q": "Hei", "key": KEYS[0]})
        assert r.status_code == 429 and r.json()["code"] == 429
        # another key has its own allowance; cheap routes are not counted
        assert c.post("/v1/detect", json={"text": "Hei"},
                      headers={"X-API-Key": KEYS[1]}).status_code == 200
        assert c.get("/v1/styles").status_code == 200
        time.sleep(wait + 0.2)
        assert c.post("/v1/detect", json={"text": "Hei"}, headers=a).status_code == 200


def test_char_limit_as_libretranslate_counts(limited):
    b = {"X-API-Key": KEYS[1]}
    with httpx.Client(base_url=limited, timeout=60) as c:
        r = c.post("/translate", json={"q": ["x" * 40, "y" * 21], "source": "nb", "target": "nn",
                                       "api_key": KEYS[1]})
        assert r.status_code == 400
        assert r.json() == {"error": f"Invalid request: request (61) exceeds text limit "
                                     f"({CHAR_LIMIT})"}
        r = c.post("/v1/translate", json={"text": "x" * (CHAR_LIMIT + 1)}, headers=b)
        assert r.status_code == 413 and str(CHAR_LIMIT) in r.json()["error"]
        r = c.post("/v1/translate", json={"text": "Hei " * (CHAR_LIMIT // 4), "detailed": False},
                   headers=b)
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("path, files", [
    ("/translate", {"q": (None, b"\xed\xa0\x80"), "source": (None, b"nb"), "target": (None, b"nn")}),
    ("/v1/translate/document", {"file": ("a.txt", b"Hei", "text/plain"),
                                "style": (None, b"sk\xffule")}),
])
def test_multipart_text_fields_must_be_utf8(edge, path, files):
    """Starlette would read them as Latin-1 and translate the mojibake."""
    url, _, _ = edge
    r = httpx.post(url + path, files=files, timeout=60)
    assert r.status_code == 400, r.text
    assert "not valid UTF-8" in r.json()["error"] and "form field" in r.json()["error"]


def test_libretranslate_same_language_is_checked_too(edge):
    """Text already in the target language comes back as it is — after the same checks
    (Schemathesis found `{"q": [null, null], "source": "nno", "target": "nno"}` echoed)."""
    url, _, _ = edge
    with httpx.Client(base_url=url, timeout=60) as c:
        r = c.post("/translate", json={"q": [None, None], "source": "nno", "target": "nno"})
        assert r.status_code == 400 and r.json() == {"error": "q must be a string"}
        r = c.post("/translate", json={"q": ["Eg kjem."], "source": "nb", "target": "nob"})
        assert r.status_code == 200 and r.json() == {"translatedText": ["Eg kjem."]}
