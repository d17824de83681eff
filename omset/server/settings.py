"""What an ``omset serve`` instance is configured with (one frozen dataclass)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BODY = 10 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Service settings. The CLI fills them from options; tests build them directly.

    Attributes:
        host, port: where uvicorn listens (only used by :func:`omset.server.run`).
        workers: pipelines per translation direction (default: CPU cores).
        timeout: seconds one request may take before it gets a 504; the same limit is
            the pipelines' own time limit, so a stuck pipeline is restarted.
        max_body: largest request body in bytes (413 beyond, refused before reading it).
        body_timeout: seconds a client may pause while sending its body (then 408), so a
            stalled upload cannot hold a connection forever.
        api_keys: keys that are accepted; empty means no key is needed.
        cors_origins: origins allowed to call the API from a browser (``*`` for any).
        warm: directions whose pipelines start with the service, not on first use.
        warm_apy: also start the engines of APy's default requests (``markUnknown=yes``,
            which keep unknown-word marks: pipelines of their own), in the background
            right after start-up, so readiness does not wait for them and an APy
            client's first request finds them warm. Off by default: they cost as much
            memory as the plain engines (docs/service.md, "Processes, memory").
        style: default style for nb→nn requests that name none.
        max_segments: most segments (paragraphs, list items) one translation request may
            hold; more is refused up front with a 413 that names the limit, rather than
            started and cut off at the deadline.
        max_translators: how many (style, variant, prefs) configurations stay cached;
            they share the pipelines, so this bounds only small per-style state.
        max_header: most bytes a request's line and headers may take (431 beyond).
        header_timeout: seconds from a request's first byte until its headers are
            complete (then 408 and the connection is closed).
        keep_alive: seconds an idle connection (new, or between requests) stays open.
        log_format: ``text`` (a line per record) or ``json`` (one JSON object per line,
            with the request id; docs/service.md, "Logs").
        req_limit: most costly requests (translate, detect, documents) per minute per
            API key, or per client address without one (429 beyond); 0: no limit.
            LibreTranslate's ``--req-limit``.
        char_limit: most characters of text one request may ask to translate; 0: no
            limit. LibreTranslate's ``--char-limit``.
        deterministic: every segment is translated as the pipeline translates it first
            thing, whatever it read before (``Translator(deterministic=True)``). On by
            default, unlike the library's: a service's answer to one client must not
            depend on what other clients sent, and on the soak's mix it costs ~7 % of
            throughput (docs/benchmarks.md, "Deterministic translation").
        memory: the translation memory (an SQLite path or a ``postgresql://`` URL) that
            requests may use with ``"memory": true`` and ``POST /v1/memory`` fills; none
            by default. A request can never name a file itself.
    """

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int | None = None
    timeout: float = 30.0
    max_body: int = DEFAULT_MAX_BODY
    body_timeout: float = 30.0
    api_keys: frozenset[str] = frozenset()
    cors_origins: tuple[str, ...] = ()
    warm: tuple[tuple[str, str], ...] = (("nb", "nn"), ("nn", "nb"))
    warm_apy: bool = False
    style: str | None = None
    max_translators: int = 64
    max_segments: int = 5000
    web: bool = True
    memory: str | None = None
    deterministic: bool = True
    max_header: int = 32 * 1024
    header_timeout: float = 10.0
    keep_alive: float = 15.0
    log_format: str = "text"
    req_limit: int = 0
    char_limit: int = 0

    @property
    def keys_required(self) -> bool:
        return bool(self.api_keys)

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def read_api_keys(path: Path) -> frozenset[str]:
    """Keys from a file, one per line; blank lines and ``#`` comments are skipped."""
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keys.add(line)
    if not keys:
        raise ValueError(f"{path}: no API keys in the file")
    return frozenset(keys)
