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
        self.segments = [unquote(part) for part in path.split("/")[1:]]
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


class HttpServer:
    """Serves ``handler`` on ``host:port``; ``close()`` stops listening and drops connections."""

    def __init__(self, handler: Handler, host: str, port: int) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        self._server: asyncio.AbstractServer | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    async def listen(self) -> int:
        """Bind and start accepting; returns the bound port (stable across close/listen)."""
        self._server = await asyncio.start_server(
            self._on_connection, self._host, self._port, limit=_STREAM_LIMIT, backlog=1024
        )
        self._port = self._server.sockets[0].getsockname()[1]
        return self._port

    async def close(self) -> None:
        """Close the listening socket, then every open connection."""
        if self._server is not None:
            self._server.close()
            self._server = None
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

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
