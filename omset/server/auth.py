"""Optional API keys: off unless a key file is given.

A key may come as ``Authorization: Bearer <key>``, ``X-API-Key: <key>``, LibreTranslate's
``api_key`` field, or an ``api_key``/``key`` query parameter (APy clients send ``key``).
Only the endpoints that cost work (translate, detect) need one.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request

from .errors import ApiError, Family
from .settings import Settings


def presented_key(request: Request, body_key: object = None) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    for value in (request.headers.get("x-api-key"), body_key,
                  request.query_params.get("api_key"), request.query_params.get("key")):
        if isinstance(value, str) and value:
            return value
    return None


def require_key(settings: Settings, request: Request, family: Family,
                body_key: object = None) -> None:
    """Raise ApiError unless keys are off or a valid key was presented.

    Missing key: 401 (LibreTranslate: 400, as it answers); unknown key: 403.
    """
    if not settings.keys_required:
        return
    key = presented_key(request, body_key)
    if key is None:
        if family == "lt":
            raise ApiError(400, "Please contact the server operator to get an API key", family)
        raise ApiError(401, "an API key is required: send `Authorization: Bearer <key>` "
                            "or `X-API-Key: <key>`", family)
    if not any(hmac.compare_digest(key.encode(), k.encode()) for k in settings.api_keys):
        raise ApiError(403, "Invalid API key", family)
