"""The service's logs: plain lines or one JSON object per line, each with its request id.

Every HTTP request gets an id (the client's ``X-Request-ID`` if it sent a sane one, else
a new random one) kept in a context variable for as long as the request is handled, so
every record logged on its behalf — the access line, a traceback — carries it, and an
error answer can name it (:mod:`omset.server.errors`). ``omset serve --log-format
json`` writes uvicorn's records and omset's alike as JSON lines for a log collector.
"""

from __future__ import annotations

import contextvars
import json
import logging
import secrets
import time
from typing import Any

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "omset_request_id", default=None)

access_log = logging.getLogger("omset.access")

#: ``LogRecord`` attributes that are not extra fields of the record
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def current_request_id() -> str | None:
    """The id of the request being handled in this context, if any."""
    return _request_id.get()


def begin_request(given: bytes | str | None) -> str:
    """Give the request in this context its id (the client's, when sane) and return it."""
    if isinstance(given, bytes):
        given = given.decode("latin-1")
    rid = given if given and len(given) <= 64 and given.isascii() and given.isprintable() \
        else secrets.token_hex(8)
    _request_id.set(rid)
    return rid


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request it was logged for (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, the
    record's extra fields (an access line's method, path, status…) and a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid is not None:
            out["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key != "color_message":
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``LEVEL logger [request id] message`` — the id only when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None)
        line = f"{record.levelname}: {record.name}: {'[' + rid + '] ' if rid else ''}" \
               f"{record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


FORMATS = ("text", "json")


def log_config(fmt: str, level: str) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for uvicorn's ``log_config``: uvicorn's and
    omset's loggers write to stderr in ``fmt`` (``text`` or ``json``) at ``level``."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    logging.captureWarnings(True)  # Python's warnings too, not as bare stderr lines
    formatter = f"{__name__}.{'JsonFormatter' if fmt == 'json' else 'TextFormatter'}"
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"omset": {"()": formatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "omset", "filters": ["request_id"]}},
        "loggers": {name: {"handlers": ["stderr"], "level": level, "propagate": False}
                    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "omset",
                                 "py.warnings")},
    }
