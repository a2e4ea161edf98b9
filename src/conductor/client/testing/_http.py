"""A small HTTP/1.1 server on an asyncio protocol: keep-alive, pipelining, Content-Length and
chunked request bodies, ``Expect: 100-continue``, HEAD. Enough for HTTP clients on loopback,
nothing more (no TLS, no HTTP/2, no upgrades).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Generator
from http import HTTPStatus
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote

logger = logging.getLogger(__name__)

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024
_READ_HIGH_WATER = 2 * 1024 * 1024  # buffered bytes at which reading pauses
_CHUNK_LINE_LIMIT = 64 * 1024
_REASONS = {status.value: status.phrase for status in HTTPStatus}
_STATUS_LINES = {
    code: f"HTTP/1.1 {code} {phrase}\r\n".encode("latin-1") for code, phrase in _REASONS.items()
}
_CONTENT_TYPES: dict[str, bytes] = {}
_NO_BODY_STATUSES = frozenset({204, 304})


class Request:
    """One parsed request. ``segments`` are the percent-decoded path segments."""

    __slots__ = ("body", "headers", "method", "path", "peer_gone", "query", "segments")

    def __init__(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        peer_gone: Callable[[], bool],
    ) -> None:
        self.method = method
        self.path = path
        self.segments = [unquote(part) if "%" in part else part for part in path.split("/")[1:]]
        self.query = query
        self.headers = headers
        self.body = b""
        self.peer_gone = peer_gone

    def param(self, name: str) -> str | None:
        """First value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else None


class Response:
    """What to send back; ``drop`` closes the connection without answering."""

    __slots__ = ("body", "close", "content_type", "drop", "status")

    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = None,
        *,
        drop: bool = False,
        close: bool = False,
    ) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.drop = drop
        self.close = close


Handler = Callable[[Request], Coroutine[Any, Any, Response]]
# A request whose handler started in data_received and is waiting: request, keep-alive,
# the handler coroutine, and what it yielded.
_Pending = tuple[Request, bool, Coroutine[Any, Any, Response], Any]


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _ConnectionEnded(Exception):
    """The peer closed the connection in the middle of a request."""


class _Connection(asyncio.Protocol):
    """One client connection: answers complete requests as they arrive; its task does the rest."""

    def __init__(self, server: HttpServer) -> None:
        self._server = server
        self._loop = asyncio.get_running_loop()
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._eof = False
        self._closed = False
        self._reading_paused = False
        self._data_waiter: asyncio.Future[None] | None = None
        self._drain_waiter: asyncio.Future[None] | None = None
        self._write_paused = False
        self._idle = False  # the connection task waits for the next request head
        self._done = False  # the answer ended the connection
        self._pending: _Pending | None = None

    # -- protocol callbacks ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._server._transports.add(transport)
        task = self._loop.create_task(self._run())
        connections = self._server._connections
        connections[task] = transport
        task.add_done_callback(connections.pop)

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        if self._idle:
            self._serve_buffered()
            if not buffer and self._pending is None:
                return  # answered here: the connection task keeps waiting
        if len(buffer) > _READ_HIGH_WATER and not self._reading_paused:
            self._reading_paused = True
            assert self._transport is not None
            self._transport.pause_reading()
        self._wake_reader()

    def _serve_buffered(self) -> None:
        """Start every complete simple request in the buffer, in order, without awaiting.

        Anything unusual (chunked or partial bodies, ``Expect``, malformed heads) stays in the
        buffer for the connection task, and so does everything after a handler that has to wait.
        Called from ``data_received`` while the connection task is idle, and by that task.
        """
        while self._pending is None and not self._done and not self._write_paused:
            parsed = self._take_simple_request()
            if parsed is None:
                return
            try:
                self._start(*parsed)
            except Exception:
                logger.exception("unexpected error on a connection; closing it")
                self._done = True
                assert self._transport is not None
                self._transport.close()

    def _take_simple_request(self) -> tuple[Request, bool] | None:
        """Consume a complete request without ``Transfer-Encoding`` or ``Expect``, if buffered."""
        buffer = self._buffer
        end = self._head_end()
        if end < 0:
            return None
        try:
            request, keep_alive = _parse_head(bytes(buffer[: end + 4]), self.peer_gone)
            headers = request.headers
            if "transfer-encoding" in headers or "expect" in headers:
                return None
            length = _content_length(headers)
        except _BadRequest:
            return None  # the connection task answers it
        start = end + 4
        if len(buffer) < start + length:
            return None
        if length:
            request.body = bytes(buffer[start : start + length])
        del buffer[: start + length]
        return request, keep_alive

    def _start(self, request: Request, keep_alive: bool) -> None:
        """Run the handler to its first wait: answer if it finished, else leave it pending."""
        coro = self._server._handler(request)
        try:
            yielded = coro.send(None)
        except StopIteration as stop:
            self._respond(request, stop.value, keep_alive)
            return
        self._pending = (request, keep_alive, coro, yielded)

    def _respond(self, request: Request, response: Response, keep_alive: bool) -> None:
        """Send ``response``; sets ``_done`` when the connection ends with it."""
        transport = self._transport
        assert transport is not None
        if self._done:
            return
        if response.drop:
            self._done = True
            transport.abort()
            return
        keep_alive = keep_alive and not response.close
        transport.write(_encode(response, keep_alive, head_only=request.method == "HEAD"))
        if not keep_alive:
            self._done = True
            transport.close()

    def _head_end(self) -> int:
        """Where the buffered request head ends (its blank line), or -1 if not complete."""
        end = self._buffer.find(b"\r\n\r\n")
        return end if end < MAX_HEAD_BYTES else -1

    def eof_received(self) -> bool:
        self._eof = True
        self._wake_reader()
        return True  # keep the write side open: the answer may still be on its way

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        self._done = True
        if self._transport is not None:
            self._server._transports.discard(self._transport)
        self._wake_reader()
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wake_reader(self) -> None:
        waiter, self._data_waiter = self._data_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def peer_gone(self) -> bool:
        """True once the client has closed its side (and every byte it sent was read)."""
        if self._closed or (self._eof and not self._buffer):
            return True
        transport = self._transport
        return transport is None or transport.is_closing()

    # -- reading --------------------------------------------------------------------------------

    async def _wait_for_data(self) -> None:
        if self._eof or self._closed:
            raise _ConnectionEnded
        if self._reading_paused:
            self._reading_paused = False
            assert self._transport is not None
            self._transport.resume_reading()
        waiter = self._loop.create_future()
        self._data_waiter = waiter
        await waiter

    def _consume(self, end: int) -> bytes:
        buffer = self._buffer
        data = bytes(buffer[:end])
        del buffer[:end]
        if self._reading_paused and len(buffer) <= _READ_HIGH_WATER // 2:
            self._reading_paused = False
            assert self._transport is not None
            self._transport.resume_reading()
        return data

    async def _read_until(self, separator: bytes, limit: int) -> bytes:
        start = 0
        while True:
            index = self._buffer.find(separator, start)
            if index >= 0:
                return self._consume(index + len(separator))
            size = len(self._buffer)
            if size > limit:
                raise _BadRequest(431, "Request header fields too large")
            start = max(0, size - len(separator) + 1)
            await self._wait_for_data()

    async def _read_exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            await self._wait_for_data()
        return self._consume(size)

    async def _read_body(self, headers: dict[str, str]) -> bytes:
        encoding = headers.get("transfer-encoding")
        if encoding is not None:
            codings = [coding.strip().lower() for coding in encoding.split(",")]
            if codings[-1] != "chunked" or any(c not in ("chunked", "identity") for c in codings):
                raise _BadRequest(501, f"Transfer-Encoding {encoding!r} is not supported")
            self._maybe_continue(headers)
            return await self._read_chunked()
        length = _content_length(headers)
        if length == 0:
            return b""
        self._maybe_continue(headers)
        if len(self._buffer) >= length:
            return self._consume(length)
        return await self._read_exactly(length)

    def _maybe_continue(self, headers: dict[str, str]) -> None:
        if "expect" in headers and headers["expect"].lower() == "100-continue":
            assert self._transport is not None
            self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    async def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_line = await self._read_until(b"\r\n", _CHUNK_LINE_LIMIT)
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadRequest(400, "Malformed chunk size") from None
            if size == 0:
                while await self._read_until(b"\r\n", _CHUNK_LINE_LIMIT) != b"\r\n":
                    pass  # trailer fields are read and ignored
                return bytes(body)
            if len(body) + size > MAX_BODY_BYTES:
                raise _BadRequest(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
            chunk = await self._read_exactly(size + 2)
            if chunk[-2:] != b"\r\n":
                raise _BadRequest(400, "Malformed chunk")
            body += chunk[:-2]

    # -- serving --------------------------------------------------------------------------------

    async def _run(self) -> None:
        transport = self._transport
        assert transport is not None
        try:
            await self._serve(transport)
        except _ConnectionEnded:
            logger.debug("connection ended in the middle of a request")
        except ConnectionError as exc:
            logger.debug("connection ended: %r", exc)
        except asyncio.CancelledError:
            # Only close() cancels these tasks; it aborts the transport too.
            pending, self._pending = self._pending, None
            if pending is not None:
                pending[2].close()
            transport.abort()
            return
        except Exception:
            logger.exception("unexpected error on a connection; closing it")
        transport.close()

    async def _serve(self, transport: asyncio.Transport) -> None:
        while True:
            self._serve_buffered()
            if self._done:
                return
            if self._pending is not None:
                request, keep_alive, coro, yielded = self._pending
                self._pending = None
                self._respond(request, await _Resumed(coro, yielded), keep_alive)
            elif self._write_paused:
                waiter = self._loop.create_future()
                self._drain_waiter = waiter
                await waiter
            elif self._head_end() >= 0:  # a request _serve_buffered leaves to this task
                try:
                    request, keep_alive = await self._read_request()
                except _BadRequest as exc:
                    transport.write(_error_bytes(exc.status, str(exc)))
                    return
                self._start(request, keep_alive)
            else:
                if len(self._buffer) > MAX_HEAD_BYTES:
                    transport.write(_error_bytes(431, "Request header fields too large"))
                    return
                self._idle = True  # data_received may answer what arrives meanwhile
                try:
                    await self._wait_for_data()
                except _ConnectionEnded:
                    return  # the client closed the connection between requests
                finally:
                    self._idle = False

    async def _read_request(self) -> tuple[Request, bool]:
        request, keep_alive = _parse_head(self._consume(self._head_end() + 4), self.peer_gone)
        headers = request.headers
        if "content-length" in headers or "transfer-encoding" in headers:
            request.body = await self._read_body(headers)
        return request, keep_alive


class _Resumed:
    """Awaits a coroutine that was already started outside a task (it yielded ``yielded``)."""

    __slots__ = ("_coro", "_yielded")

    def __init__(self, coro: Coroutine[Any, Any, Response], yielded: Any) -> None:
        self._coro = coro
        self._yielded = yielded

    def __await__(self) -> Generator[Any, Any, Response]:
        coro, value = self._coro, self._yielded
        while True:
            try:
                sent = yield value
            except BaseException as exc:  # cancellation and the like go to the coroutine
                try:
                    value = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value  # type: ignore[no-any-return]
            else:
                try:
                    value = coro.send(sent)
                except StopIteration as stop:
                    return stop.value  # type: ignore[no-any-return]


class HttpServer:
    """Serves ``handler`` on ``host:port``; ``close()`` stops listening and drops connections."""

    def __init__(self, handler: Handler, host: str, port: int) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.Transport] = {}
        self._transports: set[asyncio.BaseTransport] = set()

    async def listen(self) -> int:
        """Bind and start accepting; returns the bound port (stable across close/listen)."""
        loop = asyncio.get_running_loop()

        def factory() -> _Connection:
            return _Connection(self)

        self._server = await loop.create_server(factory, self._host, self._port, backlog=1024)
        self._port = self._server.sockets[0].getsockname()[1]
        return self._port

    async def close(self) -> None:
        """Close the listening socket, then every open connection."""
        server, self._server = self._server, None
        if server is not None:
            await _stop_accepting(server)
            server.close()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        for transport in list(self._transports):
            transport.abort()  # type: ignore[attr-defined]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.sleep(0)  # run the connection_lost callbacks the aborts scheduled

    async def shutdown(self) -> None:
        """``close()``, then wait for every other task on the loop (accepts in flight too)."""
        current = asyncio.current_task()
        for _ in range(3):  # an accept in flight needs a few loop turns to become a connection
            await self.close()
        others = [task for task in asyncio.all_tasks() if task is not current]
        if others:
            _, pending = await asyncio.wait(others, timeout=2.0)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2.0)
        await asyncio.sleep(0)


async def _stop_accepting(server: asyncio.Server) -> None:
    """Stop accepting, then let connections already accepted finish setting up.

    Closing an asyncio server while an accepted socket is still being wrapped into a transport
    leaks that socket on some Python versions, so the accept handler is removed first and the
    loop gets a few turns before ``close()``.
    """
    loop = asyncio.get_running_loop()
    for sock in server.sockets:
        try:
            loop.remove_reader(sock.fileno())
        except (NotImplementedError, ValueError) as exc:  # loops without reader callbacks
            logger.debug("cannot pause accepting on %r: %r", sock, exc)
    for _ in range(3):
        await asyncio.sleep(0)


def _parse_head(head: bytes, peer_gone: Callable[[], bool]) -> tuple[Request, bool]:
    if len(head) > MAX_HEAD_BYTES:
        raise _BadRequest(431, "Request header fields too large")
    text = head.decode("latin-1")
    if text[:1] in ("\r", "\n"):
        text = text.lstrip("\r\n")
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0].isalpha():
        raise _BadRequest(400, f"Malformed request line: {lines[0][:100]!r}")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise _BadRequest(505, f"Unsupported HTTP version: {version[:20]!r}")
    headers = _parse_headers(lines[1:])
    connection_header = headers.get("connection")
    if connection_header is None:
        keep_alive = version == "HTTP/1.1"
    else:
        connection = {token.strip().lower() for token in connection_header.split(",")}
        if version == "HTTP/1.1":
            keep_alive = "close" not in connection
        else:
            keep_alive = "keep-alive" in connection
    if "://" in target and "://" in target.split("?", 1)[0]:  # absolute-form
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    if "#" in target:
        target = target.partition("#")[0]
    path, _, query_string = target.partition("?")
    query: dict[str, list[str]] = {}
    if query_string:
        _parse_query(query_string, query)
    return Request(method.upper(), path, query, headers, peer_gone), keep_alive


def _parse_query(query_string: str, query: dict[str, list[str]]) -> None:
    """``parse_qsl(keep_blank_values=True)``, with a fast path for plain ``name=value`` pairs."""
    if "%" in query_string or "+" in query_string:
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(name, []).append(value)
        return
    for pair in query_string.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            values = query.get(name)
            if values is None:
                query[name] = [value]
            else:
                values.append(value)


def _parse_headers(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise _BadRequest(400, f"Malformed header line: {line[:100]!r}")
        name, value = name.lower(), value.strip()
        if name in headers:
            if name == "content-length" and headers[name] != value:
                raise _BadRequest(400, "Conflicting Content-Length headers")
            if name != "content-length":
                value = f"{headers[name]}, {value}"
        headers[name] = value
    return headers


def _content_length(headers: dict[str, str]) -> int:
    length_text = headers.get("content-length")
    if length_text is None:
        return 0
    if not length_text.isdigit():
        raise _BadRequest(400, f"Invalid Content-Length: {length_text[:20]!r}")
    length = int(length_text)
    if length > MAX_BODY_BYTES:
        raise _BadRequest(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
    return length


def _encode(response: Response, keep_alive: bool, *, head_only: bool) -> bytes:
    status = response.status
    head = _STATUS_LINES.get(status)
    if head is None:
        head = f"HTTP/1.1 {status} Unknown\r\n".encode("latin-1")
    body = response.body
    if status in _NO_BODY_STATUSES:
        body = b""
    else:
        content_type = response.content_type
        if content_type is not None:
            line = _CONTENT_TYPES.get(content_type)
            if line is None:
                line = f"Content-Type: {content_type}\r\n".encode("latin-1")
                if len(_CONTENT_TYPES) < 64:
                    _CONTENT_TYPES[content_type] = line
            head += line
        head += b"Content-Length: %d\r\n" % len(body)
    if not keep_alive:
        head += b"Connection: close\r\n"
    head += b"\r\n"
    return head if head_only else head + body


def _error_bytes(status: int, message: str) -> bytes:
    body = message.encode("utf-8")
    response = Response(status, body, "text/plain;charset=UTF-8")
    return _encode(response, keep_alive=False, head_only=False)
