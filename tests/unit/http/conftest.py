"""Fixtures for the HTTP-layer tests: a mocked server (responses) and real loopback sockets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import responses
from http_support import HOST, LocalServer, Received

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api_client import ApiClient


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """A responses mock that fails the test if a registered response was never used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def configuration() -> Configuration:
    """Settings for the mocked server; no retries, so error tests do not back off."""
    return Configuration(server_api_url=HOST, max_retries=0)


@pytest.fixture
def api_client(configuration: Configuration) -> Iterator[ApiClient]:
    client = ApiClient(configuration)
    yield client
    client.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections (kernel backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server_state: LocalServer

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests assert on what the server received instead."""

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            path = self.path.split("?", 1)[0]
            request = Received(self.command, path, dict(self.headers), self.rfile.read(length))
            with server_state.lock:
                server_state.received.append(request)
            handler = server_state.routes.get((self.command, path))
            if handler is None:
                status, headers, body = 404, {"Content-Type": "application/json"}, b"{}"
            else:
                status, headers, body = handler(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    server_state = LocalServer(url=f"http://127.0.0.1:{httpd.server_address[1]}/api")
    thread = threading.Thread(target=httpd.serve_forever, name="local-http", daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
