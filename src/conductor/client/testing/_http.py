"""A small HTTP/1.1 server on asyncio streams: keep-alive, pipelining, Content-Length and
chunked request bodies, ``Expect: 100-continue``, HEAD. Enough for HTTP clients on loopback,
nothing more (no TLS, no HTTP/2, no upgrades).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from http import HTTPStatus
from typing import Callable
from urllib.parse import parse_qsl, unquote

logger = logging.getLogger(__name__)

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024
_STREAM_LIMIT = 1024 * 1024
_REASONS = {status.value: status.phrase for status in HTTPStatus}
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


Handler = Callable[[Request], Awaitable[Response]]


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _TrackedProtocol(asyncio.StreamReaderProtocol):
    """A stream protocol that records its transport while the connection is open."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        callback: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
        transports: set[asyncio.BaseTransport],
    ) -> None:
        super().__init__(reader, callback)
        self._transports = transports
        self._tracked: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._tracked = transport
        self._transports.add(transport)
        super().connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._tracked is not None:
            self._transports.discard(self._tracked)
        super().connection_lost(exc)


class HttpServer:
    """Serves ``handler`` on ``host:port``; ``close()`` stops listening and drops connections."""

    def __init__(self, handler: Handler, host: str, port: int) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._transports: set[asyncio.BaseTransport] = set()

    async def listen(self) -> int:
        """Bind and start accepting; returns the bound port (stable across close/listen)."""
        loop = asyncio.get_running_loop()

        def factory() -> _TrackedProtocol:
            reader = asyncio.StreamReader(limit=_STREAM_LIMIT)
            return _TrackedProtocol(reader, self._on_connection, self._transports)

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
        # Connections whose handler has not started yet: aborting makes the handler see EOF.
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

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections[task] = writer
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            logger.debug("connection ended: %r", exc)
        except asyncio.CancelledError:
            # Only close() cancels these tasks. End normally: asyncio's stream callback calls
            # task.exception(), which raises for a cancelled task on some Python versions.
            writer.transport.abort()
        except Exception:
            logger.exception("unexpected error on a connection; closing it")
        finally:
            if task is not None:
                self._connections.pop(task, None)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def peer_gone() -> bool:
            return reader.at_eof() or writer.is_closing()

        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return  # the client closed the connection between requests
            except asyncio.LimitOverrunError:
                writer.write(_error_bytes(431, "Request header fields too large"))
                return
            try:
                request, keep_alive = _parse_head(head, peer_gone)
                request.body = await _read_body(reader, writer, request.headers)
            except _BadRequest as exc:
                writer.write(_error_bytes(exc.status, str(exc)))
                await writer.drain()
                return
            response = await self._handler(request)
            if response.drop:
                writer.transport.abort()
                return
            keep_alive = keep_alive and not response.close
            writer.write(_encode(response, keep_alive, head_only=request.method == "HEAD"))
            await writer.drain()
            if not keep_alive:
                return


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
    lines = head.decode("latin-1").lstrip("\r\n").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0].isalpha():
        raise _BadRequest(400, f"Malformed request line: {lines[0][:100]!r}")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise _BadRequest(505, f"Unsupported HTTP version: {version[:20]!r}")
    headers = _parse_headers(lines[1:])
    connection = {token.strip().lower() for token in headers.get("connection", "").split(",")}
    keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    if "://" in target.split("?", 1)[0]:  # absolute-form: drop scheme and authority
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    path, _, query_string = target.partition("#")[0].partition("?")
    query: dict[str, list[str]] = {}
    if query_string:
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(name, []).append(value)
    return Request(method.upper(), path, query, headers, peer_gone), keep_alive


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


async def _read_body(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, headers: dict[str, str]
) -> bytes:
    encoding = headers.get("transfer-encoding")
    length_text = headers.get("content-length")
    if encoding is not None:
        codings = [coding.strip().lower() for coding in encoding.split(",")]
        if codings[-1] != "chunked" or any(c not in ("chunked", "identity") for c in codings):
            raise _BadRequest(501, f"Transfer-Encoding {encoding!r} is not supported")
        _maybe_continue(writer, headers)
        return await _read_chunked(reader)
    if length_text is None:
        return b""
    if not length_text.isdigit():
        raise _BadRequest(400, f"Invalid Content-Length: {length_text[:20]!r}")
    length = int(length_text)
    if length > MAX_BODY_BYTES:
        raise _BadRequest(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
    if length == 0:
        return b""
    _maybe_continue(writer, headers)
    return await reader.readexactly(length)


def _maybe_continue(writer: asyncio.StreamWriter, headers: dict[str, str]) -> None:
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise _BadRequest(400, "Malformed chunk size") from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailer fields are read and ignored
            return bytes(body)
        if len(body) + size > MAX_BODY_BYTES:
            raise _BadRequest(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
        chunk = await reader.readexactly(size + 2)
        if chunk[-2:] != b"\r\n":
            raise _BadRequest(400, "Malformed chunk")
        body += chunk[:-2]


def _encode(response: Response, keep_alive: bool, *, head_only: bool) -> bytes:
    status = response.status
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
    body = response.body
    if status in _NO_BODY_STATUSES:
        body = b""
    else:
        if response.content_type is not None:
            lines.append(f"Content-Type: {response.content_type}")
        lines.append(f"Content-Length: {len(body)}")
    if not keep_alive:
        lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + body


def _error_bytes(status: int, message: str) -> bytes:
    body = message.encode("utf-8")
    response = Response(status, body, "text/plain;charset=UTF-8")
    return _encode(response, keep_alive=False, head_only=False)
