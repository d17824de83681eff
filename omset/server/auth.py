"""Optional API keys: off unless a key file is given.

A key may come as ``Authorization: Bearer <key>``, ``X-API-Key: <key>``, LibreTranslate's
``api_key`` field, or an ``api_key``/``key`` query parameter (APy clients send ``key``).
Only the endpoints that cost work (translate, detect) need one.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request

from .errors import ApiError, Family
from .ratelimit import charge_request
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
                body_key: object = "") -> None:
    """Raise ApiError unless keys are off or a valid key was presented, then count the
    request against its client's rate limit (:mod:`omset.server.ratelimit`; 429).

    Missing key: 401 (LibreTranslate: 400, as it answers); unknown key: 403.
    Every route that costs work calls this, so it is where such requests are counted:
    per key when keys are on, else per client address.
    """
    key = _valid_key(settings, request, family, body_key)
    client = f"key:{key}" if key else f"addr:{request.client.host if request.client else ''}"
    charge_request(getattr(request.app.state, "limiter", None), client, family)


def _valid_key(settings: Settings, request: Request, family: Family,
               body_key: object) -> str | None:
    if not settings.keys_required:
        return None
    if not isinstance(body_key, str):
        # the schema says a string: null, a number or a list is refused, even when a
        # valid key came in a header (callers pass "" when the body has no api_key)
        raise ApiError(400, "api_key must be a string", family)
    key = presented_key(request, body_key)
    if key is None:
        if family == "lt":
            raise ApiError(400, "Please contact the server operator to get an API key", family)
        raise ApiError(401, "an API key is required: send `Authorization: Bearer <key>` "
                            "or `X-API-Key: <key>`", family)
    if not any(hmac.compare_digest(key.encode(), k.encode()) for k in settings.api_keys):
        raise ApiError(403, "Invalid API key", family)
    return key
