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

Family = Literal["omset", "apy", "lt"]


class ApiError(Exception):
    """An error to answer with ``status``; ``family`` picks the JSON shape."""

    def __init__(self, status: int, message: str, family: Family = "omset"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.family = family


def error_body(status: int, message: str, family: Family) -> dict:
    if family == "apy":
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        return {"status": "error", "code": status, "message": reason, "explanation": message}
    if family == "lt":
        return {"error": message}
    return {"error": message, "status": status}


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
