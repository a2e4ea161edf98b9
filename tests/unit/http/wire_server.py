"""A scripted raw-socket HTTP server on 127.0.0.1 for the transport tests.

Each request gets the next :class:`Reply` of the script, byte for byte, so a test can send
anything a server might (malformed heads, truncated bodies, closed connections). The server
records what it received and how each connection ended; tests wait for those records with
:meth:`ScriptedServer.wait_for` instead of sleeping.
"""

from __future__ import annotations

import collections
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

HOST = "127.0.0.1"
WAIT_S = 10.0


@dataclass
class Reply:
    """What the server does with one request.

    ``data`` is sent as it is; then the connection is closed (``close``) or kept for the next
    request. ``hold`` never answers (the connection stays open until the server stops);
    ``gate`` makes the server wait for that event before answering.
    """

    data: bytes = b""
    close: bool = False
    hold: bool = False
    gate: threading.Event | None = None


@dataclass
class Request:
    """One request as received: the raw bytes, parsed, and the connection it came on."""

    raw: bytes
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes
    connection: int

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return ", ".join(values) if values else None


def response(
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    reason: str = "OK",
    version: str = "HTTP/1.1",
    length: bool = True,
) -> bytes:
    """Bytes of a response; ``Content-Length`` is added unless ``length`` is False."""
    lines = [f"{version} {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(*chunks: bytes, trailers: str = "") -> bytes:
    """A chunked body of ``chunks`` (hex sizes), ended by a zero chunk and ``trailers``."""
    out = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    return out + b"0\r\n" + trailers.encode("latin-1") + b"\r\n"


@dataclass
class _Connection:
    number: int
    sock: socket.socket
    idle: bool = False
    closing: bool = False


@dataclass
class ScriptedServer:
    """Answers requests on ``127.0.0.1:<port>`` with the replies in :attr:`script`, in order.

    A request without a scripted reply gets a 599 and is counted in :attr:`unscripted`.
    """

    script: collections.deque[Reply] = field(default_factory=collections.deque)
    requests: list[Request] = field(default_factory=list)
    accepts: int = 0
    client_closed: list[int] = field(default_factory=list)
    unscripted: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _connections: dict[int, _Connection] = field(default_factory=dict)
    _threads: list[threading.Thread] = field(default_factory=list)
    _gates: list[threading.Event] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _listener: socket.socket | None = None
    port: int = 0

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The API root, as ``Configuration(server_api_url=...)`` takes it."""
        return self.origin + "/api"

    def start(self) -> ScriptedServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind((HOST, 0))
        listener.listen(16)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._spawn(self._accept_loop, "wire-accept")
        return self

    def stop(self) -> None:
        """Close every connection and the listener; join the threads."""
        self._stopping.set()
        with socket.create_connection((HOST, self.port), timeout=WAIT_S):
            pass  # wakes the blocking accept()
        self._threads[0].join(timeout=WAIT_S)  # no connection is accepted after this
        with self._cond:
            connections = list(self._connections.values())
            gates = list(self._gates)
        for gate in gates:
            gate.set()
        for connection in connections:
            _shutdown(connection.sock)
        for thread in self._threads[1:]:
            thread.join(timeout=WAIT_S)
        assert self._listener is not None
        self._listener.close()

    def add(self, *replies: Reply | bytes) -> None:
        """Append replies to the script (bytes: send them, keep the connection)."""
        with self._cond:
            for reply in replies:
                self.script.append(reply if isinstance(reply, Reply) else Reply(reply))

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
        """Wait until ``predicate()`` (evaluated under the server's lock) is true."""
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")

    def close_idle(self, count: int = 1) -> None:
        """Wait until ``count`` connections wait for a request, then close them."""

        def ready() -> list[_Connection]:
            return [c for c in self._connections.values() if c.idle and not c.closing]

        self.wait_for(lambda: len(ready()) == count, f"{count} idle connection(s)")
        with self._cond:
            idle = ready()
            for connection in idle:
                connection.closing = True
        for connection in idle:
            _shutdown(connection.sock)
        self.wait_for(
            lambda: all(c.number not in self._connections for c in idle), "idle connections closed"
        )

    def request_count(self) -> int:
        with self._cond:
            return len(self.requests)

    def connections(self) -> list[int]:
        """The connection (numbered by accept order) each request came on."""
        with self._cond:
            return [request.connection for request in self.requests]

    @property
    def open_connections(self) -> int:
        """Connections accepted and not yet ended (read it under :meth:`wait_for` or alone)."""
        return len(self._connections)

    # -- threads ------------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while True:
            sock, _ = self._listener.accept()
            if self._stopping.is_set():
                sock.close()
                return
            with self._cond:
                self.accepts += 1
                connection = _Connection(self.accepts, sock)
                self._connections[connection.number] = connection
                self._cond.notify_all()
            self._spawn(self._serve, f"wire-conn-{connection.number}", connection)

    def _serve(self, connection: _Connection) -> None:
        buffer = b""
        try:
            while not self._stopping.is_set():
                with self._cond:
                    connection.idle = not buffer
                    self._cond.notify_all()
                request, buffer, ended = _read_request(connection, buffer)
                if request is None:
                    if ended and not connection.closing and not self._stopping.is_set():
                        with self._cond:
                            self.client_closed.append(connection.number)
                    return
                if not self._answer(connection, request):
                    return
        except OSError:
            return  # the client went away mid-reply (reset): nothing left to serve
        finally:
            connection.sock.close()
            with self._cond:
                self._connections.pop(connection.number, None)
                self._cond.notify_all()

    def _answer(self, connection: _Connection, request: Request) -> bool:
        """Send the scripted reply; False when the connection is to be closed."""
        with self._cond:
            connection.idle = False
            self.requests.append(request)
            if self.script:
                reply = self.script.popleft()
            else:
                self.unscripted += 1
                reply = Reply(response(599, b"no scripted reply", reason="Unscripted"))
            if reply.gate is not None:
                self._gates.append(reply.gate)
            self._cond.notify_all()
        if reply.hold:
            self._stopping.wait()
            return False
        # stop() opens every gate; a gate never opened drops the connection unanswered.
        if reply.gate is not None and (not reply.gate.wait(WAIT_S) or self._stopping.is_set()):
            return False
        if reply.data:
            connection.sock.sendall(reply.data)
        return not reply.close


def _read_request(connection: _Connection, buffer: bytes) -> tuple[Request | None, bytes, bool]:
    """Read one request; ``(None, rest, ended)`` when the connection ended first."""
    while b"\r\n\r\n" not in buffer:
        chunk = connection.sock.recv(65536)
        if not chunk:
            return None, buffer, True
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = [(name, value.strip()) for name, _, value in (x.partition(":") for x in lines[1:])]
    length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
    while len(rest) < length:
        chunk = connection.sock.recv(65536)
        if not chunk:
            return None, b"", True
        rest += chunk
    body, rest = rest[:length], rest[length:]
    raw = head + b"\r\n\r\n" + body
    request = Request(raw, method, target, version, headers, body, connection.number)
    return request, rest, False


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return  # already closed by the peer or by its thread


def wait_readable(sockets: list[socket.socket], timeout: float = WAIT_S) -> None:
    """Wait until every socket in ``sockets`` has something to read (data or end of stream)."""
    deadline = time.monotonic() + timeout
    pending = list(sockets)
    while pending:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("timed out waiting for the server's close to arrive")
        readable, _, _ = select.select(pending, [], [], remaining)
        pending = [sock for sock in pending if sock not in readable]
