"""JSONP, as APy answers a GET with a ``callback`` parameter: ``callback(json)``.

Only the APy routes do it (APy's clients, such as old web pages, use it). The name must
be a plain JavaScript identifier path (``cb``, ``jQuery123_456``, ``ns.fn``), so an
answer can never carry script a client did not write; anything else is refused.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

_NAME = re.compile(r"[A-Za-z_$][\w$]{0,99}(?:\.[A-Za-z_$][\w$]{0,99}){0,4}", re.ASCII)
MEDIA_TYPE = "application/javascript; charset=utf-8"


def callback_of(request: Request) -> str | None:
    """The request's JSONP callback name, None without one; ValueError for a bad one."""
    name = request.query_params.get("callback")
    if name is None or name == "":
        return None
    if not _NAME.fullmatch(name):
        raise ValueError("callback must be a JavaScript name such as cb or ns.cb_1")
    return name


def respond(data: Any, callback: str | None, status: int = 200,
            headers: dict[str, str] | None = None) -> Response:
    """``data`` as JSON, or wrapped in ``callback(…)`` when a callback is named."""
    if callback is None:
        return JSONResponse(data, status_code=status, headers=headers)
    # U+2028/2029 are valid in JSON but end a line in older JavaScript; </ could end a
    # <script> element the answer is embedded in
    text = (json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return Response(f"{callback}({text})", status_code=status, media_type=MEDIA_TYPE,
                    headers={**(headers or {}), "X-Content-Type-Options": "nosniff"})


def apy_json(request: Request, data: Any, status: int = 200) -> Response:
    """An APy route's answer: JSON, or JSONP when the request names a ``callback``."""
    from .errors import ApiError

    try:
        callback = callback_of(request)
    except ValueError as exc:
        raise ApiError(400, str(exc), "apy") from None
    return respond(data, callback, status)
