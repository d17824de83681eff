"""The HTTP/1.1 connection limits uvicorn's httptools protocol does not have.

uvicorn runs ``omset serve`` on httptools (llhttp), which is fast but has no limit on
the size of a request's head and no clock on reading it: a 200 MB header was read into
memory, and a client that sends its headers a byte at a time (or nothing at all after
connecting) held its connection for as long as it liked. uvicorn's h11 protocol has a
size limit (``h11_max_incomplete_event_size``) but no head timeout either, and costs
more CPU per request. So this module subclasses the httptools protocol with what nginx
does:

- **Head size**: the request line and headers together may take ``max_header`` bytes;
  beyond that the client gets 431 and the connection is closed, having buffered at most
  one read (256 KiB) past the limit.
- **Head time**: from a request's first byte its head must be complete within
  ``header_timeout`` seconds (408 and close), however slowly bytes trickle in.
- **Idle time**: a connection with no request in progress — new, or kept alive after a
  response — is closed after uvicorn's ``timeout_keep_alive``; bytes that do not start
  a request (stray blank lines) do not restart that clock.
- **Lingering close**: when the server closes a connection while the client is still
  sending (a 413 refused by ``Content-Length`` before the body was read, a 431, a 408),
  closing at once would make the kernel answer the client's next bytes with a reset
  that destroys the response in flight: a client that writes its whole body before
  reading (Python's ``urllib``) saw a broken pipe instead of its 413. Like nginx's
  ``lingering_close``, the server shuts down its sending side and reads and discards
  what the client still sends, up to ``linger_time`` seconds in all, ``linger_idle``
  seconds of silence, or ``linger_bytes``, and only then closes.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol


@dataclass(frozen=True)
class ConnectionLimits:
    """What one connection may cost before the server closes it (see the module doc)."""

    max_header: int = 32 * 1024
    header_timeout: float = 10.0
    linger_time: float = 30.0
    linger_idle: float = 5.0
    linger_bytes: int = 64 * 1024 * 1024


class _LingeringTransport:
    """The connection's transport as uvicorn's request cycles see it: ``close()``
    lingers while the client may still be sending (see :class:`GuardedProtocol`)."""

    def __init__(self, transport: asyncio.Transport, protocol: GuardedProtocol):
        self._transport = transport
        self._protocol = protocol

    def close(self) -> None:
        self._protocol.close_connection()

    def is_closing(self) -> bool:
        return self._protocol.lingering or self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with head limits, idle close and lingering close.

    ``limits`` is set on a subclass per server by :func:`protocol_class`."""

    limits = ConnectionLimits()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._raw = transport
        self._head_bytes = 0
        self._head_parsed = 0
        self._reading_head = False
        self._head_timer: asyncio.TimerHandle | None = None
        self._begun = 0
        self._lost = False
        self.lingering = False
        self._linger_timers: list[asyncio.TimerHandle] = []
        self._lingered = 0
        super().connection_made(_LingeringTransport(transport, self))  # type: ignore[arg-type]
        # uvicorn starts the idle clock only after a response; a connection that never
        # sends a byte would stay open for ever.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        self._cancel_head_timer()
        for timer in self._linger_timers:
            timer.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering:
            self._discard(len(data))
            return
        idle = self.timeout_keep_alive_task
        self.timeout_keep_alive_task = None  # super() would cancel the idle clock
        begun = self._begun
        super().data_received(data)
        if idle is not None:
            if begun == self._begun and self.timeout_keep_alive_task is None:
                self.timeout_keep_alive_task = idle  # no request started: keep counting
            else:
                idle.cancel()
        if self._reading_head and not self.lingering:
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_header:
                self._refuse(431, self._too_large())

    # -- the request head ------------------------------------------------------------------
    # Two counts bound the head: bytes received while it is incomplete (so a huge head is
    # refused after one read past the limit, before the parser has buffered it all) and
    # the parsed line and fields (a head that arrived whole in one read).
    def on_message_begin(self) -> None:
        if self.lingering:
            return
        super().on_message_begin()
        self._begun += 1
        self._reading_head = True
        self._head_bytes = 0
        self._head_parsed = 0
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.limits.header_timeout, self._head_too_slow)

    def on_url(self, url: bytes) -> None:
        if not self.lingering:
            self._head_parsed += len(url)
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self.lingering:
            self._head_parsed += len(name) + len(value) + 4
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self.lingering:
            return
        self._reading_head = False
        self._cancel_head_timer()
        if self._head_parsed > self.limits.max_header:
            self._reading_head = True  # so the close lingers over what follows
            self._refuse(431, self._too_large())
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.lingering:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.lingering:
            super().on_message_complete()

    def _too_large(self) -> str:
        return f"request line and headers too large: the limit is {self.limits.max_header} bytes"

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._reading_head and not self.lingering and not self._raw.is_closing():
            self._refuse(408, f"request headers not complete within "
                              f"{self.limits.header_timeout:g} s")

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request whose head was never complete (no ASGI cycle exists), in the
        own API's error shape, and close lingering."""
        if self.cycle is not None and not self.cycle.response_complete:
            self._raw.close()  # a pipelined head while a response is being written
            return
        body = json.dumps({"error": message, "status": status}).encode()
        self._raw.write(b"".join([
            STATUS_LINE[status], b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body), b"connection: close\r\n\r\n", body]))
        self.close_connection()

    # -- closing ---------------------------------------------------------------------------
    def _client_still_sending(self) -> bool:
        cycle = self.cycle
        return self._reading_head or (cycle is not None and cycle.more_body
                                      and not cycle.disconnected)

    def close_connection(self) -> None:
        """Close now, or — when the client may still be sending — linger first."""
        if self._lost or self.lingering or self._raw.is_closing():
            if not self.lingering:
                self._raw.close()
            return
        if not self._client_still_sending():
            self._raw.close()
            return
        self.lingering = True
        self._cancel_head_timer()
        self._unset_keepalive_if_required()
        try:
            self._raw.resume_reading()  # uvicorn pauses reading a body the app did not take
            if self._raw.can_write_eof():
                self._raw.write_eof()  # the response goes out, then our FIN
        except (OSError, RuntimeError):
            self._raw.close()
            return
        self._linger_timers = [self.loop.call_later(self.limits.linger_time, self._raw.close),
                               self.loop.call_later(self.limits.linger_idle, self._raw.close)]

    def _discard(self, size: int) -> None:
        self._lingered += size
        if self._lingered > self.limits.linger_bytes:
            self._raw.close()
            return
        self._linger_timers[1].cancel()
        self._linger_timers[1] = self.loop.call_later(self.limits.linger_idle, self._raw.close)


def protocol_class(limits: ConnectionLimits) -> type[GuardedProtocol]:
    """A protocol class for uvicorn's ``http=`` option with these limits."""
    return type("OmsetHttpProtocol", (GuardedProtocol,), {"limits": limits})
