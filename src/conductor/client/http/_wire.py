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
import logging
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


logger = logging.getLogger(__name__)

MAX_HEAD_BYTES = 65536
"""Largest response head (status line and headers) accepted, as ``http.client`` allows."""

MAX_HEADERS = 100
RECV_BYTES = 65536  # bytes asked of one recv()
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
        request = self.encode(method, target, headers, body)
        while True:
            try:
                response = self._exchange(method, url, request, timeout)
            except (ConnectTimeoutError, ReadTimeoutError, ProtocolError) as exc:
                retries = retries.increment(method, url, error=exc)
                retries.sleep()
                continue
            following = retry_for_status(retries, method, url, response)
            if following is None:
                return response
            retries = following
            retries.sleep(response)  # type: ignore[arg-type]

    def encode(
        self, method: str, target: str, headers: dict[str, str], body: bytes | None
    ) -> bytes:
        """The request's bytes: request line, ``Host``, headers and body."""
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
        sock = self.take_idle() or self.connect(timeout[0])
        reusable = False
        try:
            sock.settimeout(timeout[1])
            try:
                sock.sendall(request)
                parser = Parser(method)
                response = None
                while response is None:
                    parser.feed(sock.recv(RECV_BYTES))
                    response = parser.parse()
            except socket.timeout as exc:
                message = f"Read timed out. (read timeout={timeout[1]})"
                raise ReadTimeoutError(None, url, message) from exc  # type: ignore[arg-type]
            except OSError as exc:
                raise ProtocolError("Connection aborted.", exc) from exc
            reusable = parser.reusable
            return response
        finally:
            self.release(sock, reusable=reusable)

    def take_idle(self) -> socket.socket | None:
        """An idle connection the server has not closed meanwhile, if any."""
        while True:
            try:
                sock = self._idle.pop()
            except IndexError:
                return None
            if not _dropped(sock):
                return sock
            logger.debug("An idle connection to %s was closed by the server", self.host_header)
            sock.close()

    def release(self, sock: socket.socket, reusable: bool) -> None:
        """Keep a connection that can serve another request (unless the pool is full or
        closed); close any other."""
        if not reusable or self._closed or len(self._idle) >= self._maxsize:
            sock.close()
        else:
            self._idle.append(sock)

    def connect(self, timeout_s: float) -> socket.socket:
        """A new connection; failures raised as urllib3's connection errors."""
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
        logger.debug("Opened a connection to %s (%d idle in the pool)", where, len(self._idle))
        return sock


def retry_for_status(retries: Retry, method: str, url: str, response: WireResponse) -> Retry | None:
    """The ``Retry`` for another attempt when ``response``'s status calls for one, else None.

    Raises:
        MaxRetryError: Out of retries, and ``retries`` raises on status.
    """
    if not retries.is_retry(method, response.status, "Retry-After" in response.headers):
        return None
    try:
        return retries.increment(method, url, response=response)  # type: ignore[arg-type]
    except MaxRetryError:
        if retries.raise_on_status:
            raise
        return None  # out of retries: the last response is the answer


class _NeedMore(Exception):
    """The bytes so far end inside the response."""


class Parser:
    """Parses one response from the bytes received so far (fed by a sync or an async reader).

    :meth:`parse` starts from the first byte on every call: responses are small and usually
    arrive in one read, so this costs less than keeping a state machine. A parse that ran out
    of bytes notes how many it needed, so a large body is not parsed again for every read.
    """

    def __init__(self, method: str) -> None:
        self._method = method
        self._data = bytearray()
        self._eof = False
        self._at = 0
        self._wanted = 0  # bytes the last parse needed to get further
        self.reusable = False

    def feed(self, chunk: bytes) -> None:
        """Add received bytes; an empty chunk means the server closed the connection."""
        if chunk:
            self._data += chunk
        else:
            self._eof = True

    def parse(self) -> WireResponse | None:
        """The complete response, or None while more bytes are needed.

        Raises:
            ProtocolError: The response is malformed, or the connection ended inside it.
        """
        if len(self._data) < self._wanted and not self._eof:
            return None
        self._at = 0
        try:
            return self._response()
        except _NeedMore:
            if not self._eof:
                return None
            raise self._cut_short() from None

    def _cut_short(self) -> ProtocolError:
        if not self._data:
            return ProtocolError(
                "Connection aborted.",
                ConnectionResetError("Remote end closed connection without response"),
            )
        if self._data.find(b"\r\n\r\n") < 0:
            return ProtocolError("Connection broken: the response head was cut short")
        return ProtocolError("Connection broken: the response body was cut short (IncompleteRead)")

    def _response(self) -> WireResponse:
        while True:
            response, keep_alive = self._head()
            if not 100 <= response.status < 200:
                break
            if response.status == 101:
                raise ProtocolError(f"unexpected HTTP 101 {response.reason}: no upgrade was asked")
        if self._method == "HEAD" or response.status in _NO_BODY_STATUSES:
            data = b""
        else:
            data, keep_alive = self._body(response.headers, keep_alive)
        response.data = _decoded(data, response.headers.get("Content-Encoding"))
        self.reusable = keep_alive and self._at == len(self._data)
        return response

    def _head(self) -> tuple[WireResponse, bool]:
        end = self._data.find(b"\r\n\r\n", self._at)
        if end < 0:
            if len(self._data) - self._at > MAX_HEAD_BYTES:
                raise ProtocolError(f"response head longer than {MAX_HEAD_BYTES} bytes")
            raise _NeedMore
        if end - self._at > MAX_HEAD_BYTES:
            raise ProtocolError(f"response head longer than {MAX_HEAD_BYTES} bytes")
        lines = self._data[self._at : end].decode(_TEXT).split("\r\n")
        self._at = end + 4
        status_line = lines[0].split(" ", 2)
        if (
            len(status_line) < 2
            or not status_line[0].startswith("HTTP/1.")
            or len(status_line[1]) != 3
            or not (status_line[1].isascii() and status_line[1].isdigit())
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
        reason = status_line[2] if len(status_line) > 2 else ""
        return WireResponse(int(status_line[1]), reason, headers, version), keep_alive

    def _body(self, headers: HTTPHeaderDict, keep_alive: bool) -> tuple[bytes, bool]:
        if "chunked" in headers.get("Transfer-Encoding", "").lower():
            return self._chunked(), keep_alive
        length = headers.get("Content-Length")
        if length is None:
            if not self._eof:  # the body ends where the connection does
                raise _NeedMore
            return self._take(len(self._data) - self._at), False
        sizes = {part.strip() for part in length.split(",")}
        size = next(iter(sizes))
        if len(sizes) != 1 or not (size.isascii() and size.isdigit()):
            raise ProtocolError(f"invalid Content-Length {length!r}")
        return self._take(int(size)), keep_alive

    def _chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            line = self._line()
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise ProtocolError(f"invalid chunk size {line[:40]!r}") from None
            if size == 0:
                while self._line():  # trailers, up to the blank line
                    pass
                return b"".join(parts)
            parts.append(self._take(size))
            if self._take(2) != b"\r\n":
                raise ProtocolError("chunk not followed by CRLF")

    def _line(self) -> bytes:
        end = self._data.find(b"\r\n", self._at)
        if end < 0:
            if len(self._data) - self._at > MAX_HEAD_BYTES:
                raise ProtocolError(f"chunk line longer than {MAX_HEAD_BYTES} bytes")
            raise _NeedMore
        line = bytes(self._data[self._at : end])
        self._at = end + 2
        return line

    def _take(self, size: int) -> bytes:
        end = self._at + size
        if end > len(self._data):
            self._wanted = end
            raise _NeedMore
        data = bytes(self._data[self._at : end])
        self._at = end
        return data


def _decoded(data: bytes, encoding: str | None) -> bytes:
    """Undo a gzip or deflate ``Content-Encoding`` (others are left as they are, like urllib3)."""
    if not encoding or not data:
        return data
    for coding in reversed([part.strip().lower() for part in encoding.split(",")]):
        try:
            if coding in ("gzip", "x-gzip"):
                data = _gunzip(data)
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


def _gunzip(data: bytes) -> bytes:
    """Decompress gzip data, every member of it (a body may be several gzip streams)."""
    parts: list[bytes] = []
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        parts.append(inflater.decompress(data))
        if not inflater.eof:
            raise zlib.error("incomplete gzip stream")
        data = inflater.unused_data
    return b"".join(parts)


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle connection was closed by the server (or has unexpected data)."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([sock], [], [], 0)  # pragma: no cover - Windows
    return bool(readable)
