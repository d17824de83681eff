"""Errors as each API family spells them.

The own API answers ``{"error": message, "status": code}``; APy clients expect
``{"status": "error", "code": …, "message": reason, "explanation": …}``; LibreTranslate
clients expect ``{"error": message}``. Which family a request belongs to is decided by
its path (and, on the shared ``/translate`` path, by whether it names a ``langpair``).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Literal

from starlette.responses import JSONResponse

from .logs import current_request_id

Family = Literal["omset", "apy", "lt"]


class ApiError(Exception):
    """An error to answer with ``status``; ``family`` picks the JSON shape."""

    def __init__(self, status: int, message: str, family: Family = "omset"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.family = family


def error_body(status: int, message: str, family: Family) -> dict:
    """The error answer of ``family``. The own API's also names the request's id (the
    compatible ones keep their servers' exact shapes; the id is in ``X-Request-ID``).
    A message that echoes a lone surrogate from the input keeps it as ``\\udXXX``:
    it must never make the error answer itself fail to encode."""
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    if family == "apy":
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        return {"status": "error", "code": status, "message": reason, "explanation": message}
    if family == "lt":
        return {"error": message}
    body: dict = {"error": message, "status": status}
    rid = current_request_id()
    if rid is not None:
        body["request_id"] = rid
    return body


def error_response(status: int, message: str, family: Family,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, family), status_code=status, headers=headers)


APY_PATHS = ("/listPairs", "/list", "/identifyLang", "/stats", "/analyze", "/analyse",
             "/generate", "/calcCoverage", "/pipedebug", "/translateDoc", "/pairprefs")
LT_PATHS = ("/languages", "/detect", "/translate_file")


def family_of(path: str, query_string: bytes | str = b"") -> Family:
    """The API family of a request, judged before its body is read."""
    if path.startswith("/v1/") or path in ("/healthz", "/metrics"):
        return "omset"
    if path in APY_PATHS:
        return "apy"
    if path == "/translate":
        qs = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
        return "apy" if "langpair=" in qs else "lt"
    if path in LT_PATHS:
        return "lt"
    return "omset"
