"""The app factory: ``create_app(settings)`` wires routes, middleware and static files."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from importlib import resources
from typing import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from .. import __version__
from . import api, apy, compat, desk, documents, jsonp, openapi
from .arenas import Trimmer
from .errors import ApiError, error_body, error_response, family_of
from .limits import BodyGuard
from .logs import begin_request, current_request_id
from .metrics import MetricsMiddleware
from .ratelimit import RateLimited, RateLimiter
from .service import Service
from .settings import Settings

log = logging.getLogger("omset.server")


def _warm_apy(service: Service) -> threading.Thread:
    """Start APy's engines (``Settings.warm_apy``) in a thread of their own: the service
    is ready, and answers, while they start."""
    def run() -> None:
        try:
            compat.warm_up_apy(service)
        except Exception:  # noqa: BLE001 - a failed warm-up only means a cold first request
            log.exception("warming up the APy engines failed; they start on first use")

    thread = threading.Thread(target=run, name="omset-warm-apy", daemon=True)
    thread.start()
    return thread


def create_app(settings: Settings | None = None) -> FastAPI:
    """A FastAPI app serving the own API, the APy/LibreTranslate compatibility routes,
    health, metrics and (when packaged) the web editor at ``/``."""
    settings = settings or Settings()
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for source, target in settings.warm:
            service.engines.translator(source, target).warm_up()
        background = _warm_apy(service) if settings.warm_apy else None
        trimmer = Trimmer()
        trimmer.start()
        try:
            yield
        finally:
            trimmer.close()
            if background is not None:  # engines it is starting must exist to be closed
                background.join()
            service.close()

    app = FastAPI(title="omset", version=__version__, lifespan=lifespan,
                  description="Bokmål ⇄ Nynorsk translation on warm Apertium pipelines. "
                              "Own API under /v1; APy and LibreTranslate compatible routes.")
    app.state.service = service
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.req_limit) if settings.req_limit > 0 else None

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.retry_after)}
        if exc.family == "apy":  # APy wraps its errors in the JSONP callback too
            try:
                callback = jsonp.callback_of(request)
            except ValueError:
                callback = None
            if callback is not None:
                return jsonp.respond(error_body(exc.status, exc.message, "apy"), callback,
                                     exc.status, headers)
        return error_response(exc.status, exc.message, exc.family, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_message(exc), family_of(request.url.path))

    api_routes: list = list(app.router.routes)  # the docs; the routers' routes follow

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        family = family_of(request.url.path, request.url.query)
        headers = dict(exc.headers or {})
        status, detail = exc.status_code, str(exc.detail)
        if status in (404, 405):
            # The static files mounted at / take every path no route took, so a wrong
            # method on an API route would be their 404 (or 405 with their Allow).
            allowed = _allowed_methods(api_routes, request.scope["path"])
            if allowed and request.method not in allowed:
                status, detail = 405, "Method Not Allowed"
                headers["Allow"] = ", ".join(allowed)
        return error_response(status, detail, family, headers or None)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        # a bug, never the client's fault: logged with an id the client is given too
        rid = current_request_id() or begin_request(request.headers.get("x-request-id"))
        log.exception("unexpected error on %s (request %s)", request.url.path, rid)
        return error_response(500, f"internal error: {type(exc).__name__} (request {rid})",
                              family_of(request.url.path, request.url.query),
                              {"X-Request-ID": rid})

    openapi.install(app, settings)
    app.include_router(api.router)
    app.include_router(documents.router)
    app.include_router(compat.router)
    app.include_router(apy.router)
    app.include_router(desk.router)
    routers = (api.router, documents.router, compat.router, apy.router, desk.router)
    api_routes.extend(r for router in routers for r in router.routes)
    service.metrics.routes = frozenset(
        [r.path for router in routers for r in router.routes]  # type: ignore[attr-defined]
        + ["/docs", "/openapi.json"])
    web = _web_dir()
    if settings.web and web is not None:
        app.mount("/", StaticFiles(directory=str(web), html=True), name="web")

    # Outermost last: metrics see every answer, CORS headers go on errors too.
    app.add_middleware(BodyGuard, max_body=settings.max_body,
                       body_timeout=settings.body_timeout)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type", "X-API-Key"],
                           max_age=86400)
    app.add_middleware(MetricsMiddleware, metrics=service.metrics)
    return app


def _allowed_methods(routes: list, path: str) -> list[str]:
    """The methods the API routes (not the static files) answer on ``path``."""
    allowed: set[str] = set()
    for route in routes:
        methods = getattr(route, "methods", None)
        regex = getattr(route, "path_regex", None)
        if methods and regex is not None and regex.match(path):
            allowed |= set(methods)
    return sorted(allowed)


def _web_dir():
    """The packaged web editor's directory (omset/web), if it is there."""
    try:
        web = resources.files("omset").joinpath("web")
    except (ModuleNotFoundError, TypeError):
        return None
    return web if web.is_dir() else None


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            detail = (err.get("ctx") or {}).get("error", "")
            return f"request body is not valid JSON{': ' + str(detail) if detail else ''}"
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)
