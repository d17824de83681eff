"""The HTTP service behind ``omset serve``: own API, APy/LibreTranslate compatibility,
health, metrics and the web editor. ``create_app(Settings(...))`` gives the ASGI app."""

from __future__ import annotations

from .app import create_app
from .settings import Settings, read_api_keys

__all__ = ["Settings", "create_app", "read_api_keys", "run"]


def run(settings: Settings, *, log_level: str = "info") -> None:
    """Serve ``settings`` with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level=log_level, access_log=False, timeout_keep_alive=30)
