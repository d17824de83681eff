"""Pieces of the HTTP edges that need no server: the rate limiter's arithmetic, the
log formats, the surrogate and query checks, the schema's corrections."""

from __future__ import annotations

import contextvars
import json
import logging

import pytest

from omset.server.errors import ApiError, error_body
from omset.server.limits import _check_body, _check_query
from omset.server.logs import JsonFormatter, RequestIdFilter, begin_request, log_config
from omset.server.openapi import _operation_id
from omset.server.ratelimit import RateLimited, RateLimiter, charge_request, check_chars


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_allows_a_minute_at_once_then_one_per_interval():
    clock = Clock()
    limiter = RateLimiter(6, clock=clock)  # one per 10 s, six at once
    assert [limiter.charge("a") for _ in range(6)] == [0.0] * 6
    wait = limiter.charge("a")
    assert wait == pytest.approx(10.0)
    assert limiter.charge("b") == 0.0  # clients are counted apart
    clock.now += 9.9
    assert limiter.charge("a") > 0
    clock.now += 0.2
    assert limiter.charge("a") == 0.0 and limiter.charge("a") > 0
    clock.now += 600  # a long pause restores the whole allowance, not more
    assert [limiter.charge("a") for _ in range(7)][-2:] == [0.0, pytest.approx(10.0)]


def test_rate_limited_answers_name_the_limit_and_the_wait():
    limiter = RateLimiter(2, clock=Clock())
    charge_request(limiter, "k", "lt")
    charge_request(limiter, "k", "lt")
    with pytest.raises(RateLimited) as exc:
        charge_request(limiter, "k", "lt")
    assert exc.value.status == 429 and exc.value.retry_after == 30
    assert exc.value.message == "Slowdown: 2 per 1 minute"
    charge_request(None, "k", "omset")  # no limiter: nothing counted


def test_char_limit_counts_as_libretranslate():
    check_chars(0, ["x" * 10**6], "lt")
    check_chars(10, ["12345", "67890"], "lt")
    with pytest.raises(ApiError) as exc:
        check_chars(10, ["12345", "678901"], "lt")
    assert exc.value.status == 400
    assert exc.value.message == "Invalid request: request (11) exceeds text limit (10)"
    with pytest.raises(ApiError) as exc:
        check_chars(10, ["12345678901"], "omset")
    assert exc.value.status == 413


@pytest.mark.parametrize("body, needle", [
    (b'{"prefs": ["ok", "\\ud800"]}', "prefs[1]"),
    (b'{"a": {"b": [{"c": "\\uDC00"}]}}', "a.b[0].c"),
    (b'{"\\ud800": 1}', "member name in the body"),
    (b'"\\ud800"', "the body"),
])
def test_lone_surrogates_in_json_are_named(body, needle):
    problem = _check_body(body, "application/json; charset=utf-8")
    assert problem is not None and needle in problem and "surrogate" in problem


@pytest.mark.parametrize("body", [
    b'{"text": "\\ud83d\\ude00"}',           # a pair: an emoji
    b'{"text": "\\\\ud800"}',                # an escaped backslash, then text
    b'{"text": "\\ud800"',                   # not JSON: the route says so
    b'[' * 100_000,                          # too deep: the route says so
])
def test_what_is_not_a_lone_surrogate_passes(body):
    assert _check_body(body, "application/json") is None


def test_query_problems_name_the_parameter():
    assert "'q' (value)" in _check_query(b"langpair=nob|nno&q=%ED%A0%80")
    assert "'a b' (name)" not in (_check_query(b"a+b=1") or "")
    assert "(name)" in _check_query(b"%00=1")
    assert "form field 'q'" in _check_body(b"q=%ff", "application/x-www-form-urlencoded")


def _in_own_context(test):
    """Run a test that gives "its request" an id in a context of its own, so the id does
    not stay set for the tests after it (they run in the same thread)."""
    def run():
        contextvars.copy_context().run(test)
    run.__name__ = test.__name__
    return run


@_in_own_context
def test_error_bodies_survive_a_lone_surrogate_and_carry_the_request_id():
    body = error_body(400, "bad \ud800 value", "omset")
    json.dumps(body).encode("utf-8")
    assert "\\ud800" in body["error"]
    assert "request_id" not in body  # no request in this context
    rid = begin_request(b"desk-42")
    assert error_body(400, "x", "omset")["request_id"] == rid == "desk-42"
    assert set(error_body(400, "x", "lt")) == {"error"}  # compatible shapes stay exact
    assert len(begin_request("bad\nid")) == 16 and len(begin_request("x" * 65)) == 16


@_in_own_context
def test_json_log_lines():
    begin_request("log-7")
    record = logging.makeLogRecord({"name": "omset.access", "levelname": "INFO", "msg": "GET %s",
                                    "args": ("/x",), "status": 200})
    assert RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /x" and line["request_id"] == "log-7"
    assert line["status"] == 200 and line["level"] == "info" and line["time"].endswith("Z")
    config = log_config("json", "warning")
    assert config["loggers"]["omset"]["level"] == "WARNING"
    with pytest.raises(ValueError):
        log_config("xml", "info")


def test_operation_ids_are_per_method():
    assert _operation_id("translate_translate_post", "get") == "translate_translate_get"
    assert _operation_id("translate_translate_post", "post") == "translate_translate_post"
