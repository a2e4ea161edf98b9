"""HTTP/1.1 over kept-alive plain sockets: the transport of plain-HTTP requests without a proxy.

A worker spends most of its own CPU per task in the HTTP client, and most of that in
generality it never uses: ``http.client`` parses every response head with the ``email``
package and urllib3 re-parses the URL and builds several objects per request. This module
does only what the SDK's requests need: it writes the request line, headers and body with one
``sendall`` and reads the response straight from the socket (about a sixth of the CPU of
``urllib3``). Everything the protocol allows a server to answer is understood:
``Content-Length``, chunked and close-delimited bodies, interim 1xx responses, HTTP/1.0, and
gzip or deflate content encoding.

Failures are raised as the urllib3 exceptions the same failure raises there, and retries are
decided by the session's urllib3 ``Retry``, so callers cannot tell the two transports apart.
Connections are pooled per origin, like urllib3's: an idle connection is checked before it is
reused, connections beyond ``maxsize`` are closed after use, and a pool is never shared with a
forked child (the owner builds a new one there).
"""

from __future__ import annotations

import collections
import select
import socket
import threading
import weakref
import zlib
from urllib.parse import urlsplit

from urllib3._collections import HTTPHeaderDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

try:  # urllib3 2.x reports name resolution failures apart from refused connections
    from urllib3.exceptions import NameResolutionError
except ImportError:  # pragma: no cover - urllib3 1.26
    NameResolutionError = None  # type: ignore[assignment,misc]


MAX_HEAD_BYTES = 65536
"""Largest response head (status line and headers) accepted, as ``http.client`` allows."""

MAX_HEADERS = 100
_RECV_BYTES = 65536
_NO_BODY_STATUSES = frozenset({204, 304})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_FORBIDDEN_IN_TARGET = frozenset(chr(code) for code in [*range(0x21), 0x7F])
_TEXT = "latin-1"  # the encoding of HTTP/1.1 heads


class WireResponse:
    """A complete response: ``status``, ``reason``, ``headers``, ``version`` and the body.

    Shaped like a preloaded urllib3 response, which is what the REST layer reads.
    """

    __slots__ = ("data", "headers", "reason", "status", "version")

    def __init__(self, status: int, reason: str, headers: HTTPHeaderDict, version: int) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.version = version
        self.data = b""

    def getheaders(self) -> HTTPHeaderDict:
        """Return the headers (case-insensitive)."""
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """Return one header, or ``default``."""
        return self.headers.get(name, default)

    def get_redirect_location(self) -> bool:
        """Redirects are not followed (the ``Retry`` reads this)."""
        return False


class WirePools:
    """Connection pools of one REST client, one per origin, built on first use.

    Args:
        maxsize: Idle connections kept per origin (more may be open while busy).
    """

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._pools: dict[str, OriginPool] = {}
        self._lock = threading.Lock()

    def pool(self, origin: str) -> OriginPool:
        """The pool for ``origin`` (``http://host[:port]``, without credentials)."""
        pool = self._pools.get(origin)
        if pool is None:
            with self._lock:
                pool = self._pools.get(origin)
                if pool is None:
                    pool = self._pools[origin] = OriginPool(origin, self._maxsize)
        return pool

    def close(self) -> None:
        """Close every idle connection; connections in use are closed when they come back."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


class OriginPool:
    """Kept-alive connections to one ``http://host:port``.

    Args:
        origin: ``http://host[:port]``.
        maxsize: Idle connections kept.
    """

    def __init__(self, origin: str, maxsize: int) -> None:
        parts = urlsplit(origin)
        self.host = parts.hostname or ""
        self.port = parts.port or 80
        self.host_header = parts.netloc
        self._maxsize = maxsize
        self._idle: collections.deque[socket.socket] = collections.deque()
        self._closed = False
        # A client dropped without close() must not leave sockets to the garbage collector.
        weakref.finalize(self, _close_all, self._idle)

    def close(self) -> None:
        """Close the idle connections and every connection returned from now on."""
        self._closed = True
        _close_all(self._idle)

    def urlopen(
        self,
        method: str,
        url: str,
        target: str,
        headers: dict[str, str],
        body: bytes | None,
        timeout: tuple[float, float],
        retries: Retry,
    ) -> WireResponse:
        """Send one request, retrying as ``retries`` allows; return the complete response.

        Args:
            method: Upper-case method.
            url: The full URL (for error messages and ``retries``).
            target: Path and query, as sent on the request line.
            headers: Request headers (``Host`` is added here).
            body: Request body, or None.
            timeout: ``(connect, read)`` seconds.
            retries: When and how to retry (urllib3 semantics).

        Raises:
            MaxRetryError: Out of retries; ``reason`` is the last failure.
            urllib3.exceptions.HTTPError: A failure ``retries`` does not retry.
        """
        request = self._encode(method, target, headers, body)
        while True:
            try:
                response = self._exchange(method, url, request, timeout)
            except (ConnectTimeoutError, ReadTimeoutError, ProtocolError) as exc:
                retries = retries.increment(method, url, error=exc)
                retries.sleep()
                continue
            has_retry_after = "Retry-After" in response.headers
            if not retries.is_retry(method, response.status, has_retry_after):
                return response
            try:
                retries = retries.increment(method, url, response=response)  # type: ignore[arg-type]
            except MaxRetryError:
                if retries.raise_on_status:
                    raise
                return response
            retries.sleep(response)  # type: ignore[arg-type]

    def _encode(
        self, method: str, target: str, headers: dict[str, str], body: bytes | None
    ) -> bytes:
        if not target or not _FORBIDDEN_IN_TARGET.isdisjoint(target):
            raise ValueError(f"invalid request target {target!r} (control characters or spaces)")
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host_header}"]
        for name, value in headers.items():
            value = str(value)
            if "\n" in value or "\r" in value or "\n" in name or "\r" in name or ":" in name:
                raise ValueError(f"invalid header {name!r}: line breaks or ':' in a name")
            lines.append(f"{name}: {value}")
        if body is None and method in _BODY_METHODS:
            lines.append("Content-Length: 0")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode(_TEXT)
        return head + body if body else head

    def _exchange(
        self, method: str, url: str, request: bytes, timeout: tuple[float, float]
    ) -> WireResponse:
        sock = self._take() or self._connect(timeout[0])
        reusable = False
        try:
            sock.settimeout(timeout[1])
            try:
                sock.sendall(request)
                reader = _Reader(sock)
                response = reader.response(method)
            except socket.timeout as exc:
                message = f"Read timed out. (read timeout={timeout[1]})"
                raise ReadTimeoutError(None, url, message) from exc  # type: ignore[arg-type]
            except OSError as exc:
                raise ProtocolError("Connection aborted.", exc) from exc
            reusable = reader.reusable
            return response
        finally:
            if reusable:
                self._give_back(sock)
            else:
                sock.close()

    def _take(self) -> socket.socket | None:
        """An idle connection the server has not closed meanwhile, if any."""
        while True:
            try:
                sock = self._idle.pop()
            except IndexError:
                return None
            if not _dropped(sock):
                return sock
            sock.close()

    def _give_back(self, sock: socket.socket) -> None:
        if self._closed or len(self._idle) >= self._maxsize:
            sock.close()
        else:
            self._idle.append(sock)

    def _connect(self, timeout_s: float) -> socket.socket:
        where = f"{self.host}:{self.port}"
        try:
            sock = socket.create_connection((self.host, self.port), timeout=timeout_s)
        except socket.timeout as exc:
            raise ConnectTimeoutError(
                None, f"Connection to {where} timed out. (connect timeout={timeout_s})"
            ) from exc
        except socket.gaierror as exc:
            if NameResolutionError is not None:
                raise NameResolutionError(self.host, None, exc) from exc  # type: ignore[arg-type]
            raise NewConnectionError(None, f"Failed to resolve {self.host}: {exc}") from exc  # type: ignore[arg-type]
        except OSError as exc:
            raise NewConnectionError(
                None,  # type: ignore[arg-type]
                f"Failed to establish a new connection to {where}: {exc}",
            ) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


class _Reader:
    """Reads one response from a socket; ``reusable`` says whether the socket can serve more."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""
        self._eof = False
        self.reusable = False

    def response(self, method: str) -> WireResponse:
        while True:
            response, keep_alive = self._head()
            if not 100 <= response.status < 200:
                break
            if response.status == 101:
                raise ProtocolError(f"unexpected HTTP 101 {response.reason}: no upgrade was asked")
        if method == "HEAD" or response.status in _NO_BODY_STATUSES:
            data = b""
        else:
            data, keep_alive = self._body(response.headers, keep_alive)
        response.data = _decoded(data, response.headers.get("Content-Encoding"))
        self.reusable = keep_alive and not self._buffer
        return response

    def _head(self) -> tuple[WireResponse, bool]:
        end = self._buffer.find(b"\r\n\r\n")
        while end < 0:
            if len(self._buffer) > MAX_HEAD_BYTES:
                raise ProtocolError(f"response head longer than {MAX_HEAD_BYTES} bytes")
            if not self._fill():
                if self._buffer:
                    raise ProtocolError("Connection broken: the response head was cut short")
                raise ProtocolError(
                    "Connection aborted.",
                    ConnectionResetError("Remote end closed connection without response"),
                )
            end = self._buffer.find(b"\r\n\r\n")
        head, self._buffer = self._buffer[:end], self._buffer[end + 4 :]
        lines = head.decode(_TEXT).split("\r\n")
        status_line = lines[0].split(" ", 2)
        if (
            len(status_line) < 2
            or not status_line[0].startswith("HTTP/1.")
            or len(status_line[1]) != 3
            or not status_line[1].isdigit()
        ):
            raise ProtocolError(f"malformed status line {lines[0][:100]!r}")
        if len(lines) > MAX_HEADERS + 1:
            raise ProtocolError(f"more than {MAX_HEADERS} response headers")
        headers = HTTPHeaderDict()
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise ProtocolError(f"malformed response header {line[:100]!r}")
            headers.add(name, value.strip())
        version = 11 if status_line[0] == "HTTP/1.1" else 10
        tokens = headers.get("Connection", "").lower()
        keep_alive = "keep-alive" in tokens if version == 10 else "close" not in tokens
        response = WireResponse(
            int(status_line[1]), status_line[2] if len(status_line) > 2 else "", headers, version
        )
        return response, keep_alive

    def _body(self, headers: HTTPHeaderDict, keep_alive: bool) -> tuple[bytes, bool]:
        if "chunked" in headers.get("Transfer-Encoding", "").lower():
            return self._chunked(), keep_alive
        length = headers.get("Content-Length")
        if length is None:
            while self._fill():  # the body ends where the connection does
                pass
            data, self._buffer = self._buffer, b""
            return data, False
        sizes = {part.strip() for part in length.split(",")}
        if len(sizes) != 1 or not next(iter(sizes)).isdigit():
            raise ProtocolError(f"invalid Content-Length {length!r}")
        return self._exactly(int(next(iter(sizes)))), keep_alive

    def _chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            line = self._line()
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ProtocolError(f"invalid chunk size {line[:40]!r}") from None
            if size == 0:
                while self._line():  # trailers, up to the blank line
                    pass
                return b"".join(parts)
            parts.append(self._exactly(size))
            if self._exactly(2) != b"\r\n":
                raise ProtocolError("chunk not followed by CRLF")

    def _line(self) -> bytes:
        end = self._buffer.find(b"\r\n")
        while end < 0:
            if len(self._buffer) > MAX_HEAD_BYTES or not self._fill():
                raise ProtocolError("Connection broken: a chunked body was cut short")
            end = self._buffer.find(b"\r\n")
        line, self._buffer = self._buffer[:end], self._buffer[end + 2 :]
        return line

    def _exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            if not self._fill():
                raise ProtocolError(
                    f"Connection broken: IncompleteRead({len(self._buffer)} bytes read, "
                    f"{size - len(self._buffer)} more expected)"
                )
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _fill(self) -> bool:
        """Read more from the socket; False at end of stream."""
        if self._eof:
            return False
        chunk = self._sock.recv(_RECV_BYTES)
        if not chunk:
            self._eof = True
            return False
        self._buffer += chunk
        return True


def _decoded(data: bytes, encoding: str | None) -> bytes:
    """Undo a gzip or deflate ``Content-Encoding`` (others are left as they are, like urllib3)."""
    if not encoding or not data:
        return data
    for coding in reversed([part.strip().lower() for part in encoding.split(",")]):
        try:
            if coding in ("gzip", "x-gzip"):
                data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
            elif coding == "deflate":
                try:
                    data = zlib.decompress(data)
                except zlib.error:  # some servers send raw deflate without the zlib header
                    data = zlib.decompress(data, -zlib.MAX_WBITS)
            elif coding != "identity":
                return data
        except zlib.error as exc:
            raise DecodeError(
                f"Received response with content-encoding: {coding}, but failed to decode it.", exc
            ) from exc
    return data


def _close_all(idle: collections.deque[socket.socket]) -> None:
    while idle:
        idle.pop().close()


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle connection was closed by the server (or has unexpected data)."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([sock], [], [], 0)  # pragma: no cover - Windows
    return bool(readable)
