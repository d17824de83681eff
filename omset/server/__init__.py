"""The HTTP service behind ``omset serve``: own API, APy/LibreTranslate compatibility,
health, metrics and the web editor. ``create_app(Settings(...))`` gives the ASGI app."""

from __future__ import annotations

from .app import create_app
from .settings import Settings, read_api_keys

__all__ = ["Settings", "create_app", "read_api_keys", "run"]


def run(settings: Settings, *, log_level: str = "info") -> None:
    """Serve ``settings`` with uvicorn until interrupted: on its httptools protocol with
    the connection limits of :mod:`omset.server.protocol`, logging in
    ``settings.log_format``. Threads started from here on share two malloc arenas
    (:mod:`omset.server.arenas`)."""
    import uvicorn

    from .arenas import limit_arenas
    from .logs import log_config

    limit_arenas()
    from .protocol import ConnectionLimits, protocol_class

    limits = ConnectionLimits(max_header=settings.max_header,
                              header_timeout=settings.header_timeout)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                http=protocol_class(limits),
                log_config=log_config(settings.log_format, log_level), log_level=log_level,
                access_log=False, timeout_keep_alive=settings.keep_alive)  # type: ignore[arg-type]
