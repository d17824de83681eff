"""Request limits checked before any route runs: body size, UTF-8, NUL bytes; timeouts.

The body guard is plain ASGI so it can refuse a body by its ``Content-Length`` before
reading a byte of it, and stop reading a chunked body as soon as it is too large.
Whatever it lets through has been read completely and checked, and is replayed to the
route unchanged.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.parse
from concurrent.futures import Executor
from typing import Any, Callable, TypeVar

from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engine.cancel import Cancellation
from ..text.clean import decode_utf8
from ..errors import InputError
from .errors import ApiError, Family, error_response, family_of

T = TypeVar("T")


class BodyGuard:
    """ASGI middleware: 413 for bodies over ``max_body``; 408 when the client stalls for
    ``body_timeout`` while sending; 400 for non-UTF-8 or NUL bytes in the query string or
    in a text body (JSON, form, plain text).

    Multipart bodies (document uploads) are binary and are only size-checked here.
    """

    def __init__(self, app: ASGIApp, max_body: int, body_timeout: float = 30.0):
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        family = family_of(scope["path"], scope.get("query_string", b""))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                await self._refuse(scope, receive, send, 400, "invalid Content-Length header", family)
                return
            if int(length) > self.max_body:
                await self._refuse(scope, receive, send, 413, self._too_large(), family)
                return
        problem = _check_query(scope.get("query_string", b""))
        if problem:
            await self._refuse(scope, receive, send, 400, problem, family)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except asyncio.TimeoutError:
                await self._refuse(scope, receive, send, 408,
                                   f"no request body data for {self.body_timeout:g} s", family)
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._refuse(scope, receive, send, 413, self._too_large(), family)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        problem = _check_body(body, headers.get("content-type", ""))
        if problem:
            await self._refuse(scope, receive, send, 400, problem, family)
            return

        await _run_until_disconnect(self.app, scope, body, receive, send)

    def _too_large(self) -> str:
        return f"request body too large: the limit is {self.max_body} bytes"

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str,
                      family: Family) -> None:
        # Connection: close, since the rest of an unread body is still on the wire.
        response = error_response(status, message, family, headers={"Connection": "close"})
        await response(scope, receive, send)


async def _run_until_disconnect(app: ASGIApp, scope: Scope, body: bytes, receive: Receive,
                                send: Send) -> None:
    """Run ``app`` on the (already read) ``body`` while listening for the client to hang
    up: if it goes before its response is complete, the app is cancelled — and with it
    the request's translation work (:func:`run_blocking`), which would otherwise go on
    for nobody. The app reads the body once; any later ``receive`` waits for the
    disconnect, as it would from the server."""
    gone = asyncio.Event()
    replayed = False
    finished = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def tracked_send(message: Message) -> None:
        nonlocal finished
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            finished = True
        await send(message)

    async def listen() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    task = asyncio.ensure_future(app(scope, replay, tracked_send))
    listener = asyncio.ensure_future(listen())
    try:
        await asyncio.wait({task, listener}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done() and not finished:
            task.cancel()  # the client hung up mid-request
        try:
            await task
        except asyncio.CancelledError:
            if not gone.is_set():
                raise  # cancelled from outside, not by us
    finally:
        listener.cancel()


def _check_text_bytes(data: bytes, what: str) -> str | None:
    try:
        decode_utf8(data)
    except InputError as exc:
        return f"{what}: {exc}"
    if b"\0" in data:
        return f"{what} contains a NUL byte"
    return None


def _check_query(query: bytes, what: str = "query parameter") -> str | None:
    """A query string (or form body): each parameter's name and value must be UTF-8
    without NUL; the error names the parameter."""
    if not query:
        return None
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        label = urllib.parse.unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
        for part, kind in ((name, "name"), (value, "value")):
            problem = _check_text_bytes(urllib.parse.unquote_to_bytes(part.replace(b"+", b" ")),
                                        f"{what} {label!r} ({kind})")
            if problem:
                return problem
    return None


#: a JSON escape of a UTF-16 surrogate (``\ud800``…``\udfff``), paired or not
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _check_json_surrogates(body: bytes) -> str | None:
    """JSON can spell a lone surrogate (``"\\ud800"``) in a valid UTF-8 body; Python
    then holds a string that cannot be encoded again, and whatever echoes it fails.
    Refused here, before any route sees it, with the member named. Only bodies that
    contain such an escape at all are parsed (paired surrogates are fine)."""
    if not _SURROGATE_ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None  # the route says what is wrong with it
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not _encodable(value):
                return f"{path or 'the body'} contains a lone surrogate (not valid Unicode)"
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
        elif isinstance(value, dict):
            for key, v in value.items():
                if not _encodable(key):
                    return f"a member name in {path or 'the body'} contains a lone " \
                           f"surrogate (not valid Unicode)"
                stack.append((f"{path}.{key}" if path else key, v))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_body(body: bytes, content_type: str) -> str | None:
    if not body:
        return None
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.startswith("multipart/"):
        return None
    problem = _check_text_bytes(body, "request body")
    if problem is None and ctype == "application/x-www-form-urlencoded":
        problem = _check_query(body, "form field")
    if problem is None and (ctype == "application/json" or ctype.endswith("+json")):
        problem = _check_json_surrogates(body)
    return problem


def check_text(text: Any, family: Family, field: str = "text") -> str:
    """A text field as the engine can take it: a str, no NUL, no lone surrogates.

    JSON can spell both (``"\\u0000"``, ``"\\ud800"``) even in a valid UTF-8 body.
    """
    if not isinstance(text, str):
        raise ApiError(400, f"{field} must be a string", family)
    if "\0" in text:
        raise ApiError(400, f"{field} contains a NUL character", family)
    if not _encodable(text):
        raise ApiError(400, f"{field} contains a lone surrogate (not valid Unicode)", family)
    return text


async def run_blocking(executor: Executor, timeout: float, family: Family,
                       fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (translation) on the thread pool with a deadline: 504 after it.

    The event loop stays free meanwhile. The work runs under a
    :class:`~omset.engine.cancel.Cancellation`: when the deadline passes, or the request
    is cancelled because its client hung up, its segments not yet sent are dropped and a
    pipeline still busy with one is replaced, so nothing keeps working for nobody.
    """
    cancellation = Cancellation()

    def call() -> T:
        with cancellation.active():
            try:
                return fn(*args, **kwargs)
            except StopIteration as exc:
                # a future cannot hold StopIteration: asyncio would drop it and the
                # request would hang forever instead of answering 500
                raise RuntimeError(f"StopIteration escaped from {fn!r}") from exc

    loop = asyncio.get_running_loop()
    fut = loop.run_in_executor(executor, call)
    try:
        return await asyncio.wait_for(fut, timeout)
    except asyncio.TimeoutError:
        cancellation.cancel()
        raise ApiError(504, f"translation took longer than {timeout:g} s", family) from None
    except asyncio.CancelledError:  # the client is gone
        cancellation.cancel()
        raise


class _InMemoryParser(MultiPartParser):
    """Starlette's multipart parser, never spooling an upload to a temporary file, and
    strict about text fields: Starlette reads a field that is not UTF-8 as Latin-1,
    which would translate mojibake; here it is a 400 naming the field (files stay
    bytes: their format decides)."""

    spool_max_size = 1 << 62

    def on_part_end(self) -> None:
        part = self._current_part
        if part.file is None:
            problem = _check_text_bytes(bytes(part.data), f"form field {part.field_name!r}")
            if problem:
                raise MultiPartException(problem)
        super().on_part_end()


async def read_multipart(request: Request, family: Family, *, max_files: int = 1,
                         max_fields: int = 32) -> FormData:
    """Parse a multipart body in memory (the body guard has bounded its size), so no
    request makes the service write a file; a malformed body is a 400."""
    try:
        return await _InMemoryParser(
            request.headers, request.stream(), max_files=max_files, max_fields=max_fields,
            max_part_size=request.app.state.settings.max_body).parse()
    except MultiPartException as exc:
        raise ApiError(400, f"bad multipart body: {exc.message}", family) from None
