"""The plain-HTTP transport (``_wire``) against a scripted raw-socket server on 127.0.0.1.

Each test scripts the server's bytes, then asserts on the response, on what the server
received and on how connections were opened, reused and closed.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import re
import socket
import threading
import warnings
import zlib
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

import pytest
from typing_extensions import Self
from urllib3.exceptions import (
    DecodeError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry
from wire_server import Reply, ScriptedServer, chunked, response, wait_readable

from conductor.client.configuration.configuration import Configuration
from conductor.client.http._session import build_retry
from conductor.client.http._wire import (
    MAX_HEAD_BYTES,
    MAX_HEADERS,
    OriginPool,
    WirePools,
    WireResponse,
)
from conductor.client.http._wire_async import aurlopen
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import Task
from conductor.client.http.rest import ApiException, RESTClientObject

TIMEOUT = (5.0, 5.0)
NO_RETRY = Retry(total=False)  # every failure is raised as it is
PATH = "/api/x"

RestFactory = Callable[..., RESTClientObject]


# -- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer().start()
    try:
        yield scripted
    finally:
        scripted.stop()
    assert scripted.unscripted == 0, "the client sent more requests than the test scripted"


@pytest.fixture
def pools() -> Iterator[WirePools]:
    wire = WirePools(4)
    yield wire
    wire.close()


@pytest.fixture
def make_rest(server: ScriptedServer) -> Iterator[RestFactory]:
    """Builds REST clients for the server (no retries unless told), closed on teardown."""
    clients: list[RESTClientObject] = []

    def make(**settings: Any) -> RESTClientObject:
        settings.setdefault("max_retries", 0)
        configuration = Configuration(server_api_url=server.url, **settings)
        client = RESTClientObject(configuration=configuration)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def send(
    pool: OriginPool,
    method: str = "GET",
    target: str = PATH,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: tuple[float, float] = TIMEOUT,
    retries: Retry = NO_RETRY,
) -> WireResponse:
    """Send one request; a body gets its ``Content-Length``, as ``send_direct`` adds it."""
    url = f"http://{pool.host_header}{target}"
    sent = dict(headers or {})
    if body is not None:
        sent.setdefault("Content-Length", str(len(body)))
    return pool.urlopen(method, url, target, sent, body, timeout, retries)


def idle(pool: OriginPool) -> list[socket.socket]:
    """The pool's idle connections."""
    return list(pool._idle)


def wait_all_closed(server: ScriptedServer) -> None:
    server.wait_for(lambda: server.open_connections == 0, "every connection to end")


def ok(body: bytes = b"ok", headers: dict[str, str] | None = None) -> bytes:
    return response(200, body, headers)


class CountingRetry(Retry):
    """A ``Retry`` that records every failure it is asked about (shared by its copies)."""

    seen: list[Exception | None]

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        self.seen.append(error)
        return super().increment(method, url, response, error, _pool, _stacktrace)


def counting_retry() -> type[CountingRetry]:
    """A fresh ``CountingRetry`` subclass, so each test has its own record."""
    return type("Counting", (CountingRetry,), {"seen": []})


# -- the request as sent ---------------------------------------------------------------------


def test_request_line_host_headers_and_body_are_sent_as_given(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(ok())
    pool = pools.pool(server.origin)
    body = b'{"a":1}'

    send(
        pool,
        "POST",
        "/api/tasks?x=1&y=a%20b",
        headers={"Content-Type": "application/json", "X-Trace": "t-1", "Content-Length": "7"},
        body=body,
    )

    assert server.requests[0].raw == (
        b"POST /api/tasks?x=1&y=a%20b HTTP/1.1\r\n"
        + f"Host: 127.0.0.1:{server.port}\r\n".encode()
        + b"Content-Type: application/json\r\nX-Trace: t-1\r\nContent-Length: 7\r\n\r\n"
        + body
    )


def test_rest_client_sends_json_body_with_content_length(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(ok())

    make_rest().request("POST", server.origin + PATH, headers={"X-A": "1"}, body={"a": [1, 2]})

    assert server.requests[0].raw == (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n".encode()
        + b"X-A: 1\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
        + b'{"a":[1,2]}'
    )


@pytest.mark.parametrize(
    ("method", "length"),
    [("POST", "0"), ("PUT", "0"), ("PATCH", "0"), ("GET", None), ("DELETE", None)],
)
def test_content_length_zero_only_for_body_methods_without_body(
    server: ScriptedServer, make_rest: RestFactory, method: str, length: str | None
) -> None:
    server.add(ok(b""))

    make_rest().request(method, server.origin + PATH)

    request = server.requests[0]
    assert (request.method, request.target, request.body) == (method, PATH, b"")
    assert request.header("Content-Length") == length
    assert request.header("Transfer-Encoding") is None


def test_large_body_is_sent_in_full(server: ScriptedServer, make_rest: RestFactory) -> None:
    body = bytes(range(256)) * 4096  # 1 MiB
    server.add(ok())

    make_rest().request("PUT", server.origin + PATH, body=body)

    assert server.requests[0].header("Content-Length") == str(len(body))
    assert server.requests[0].body == body


def test_query_string_is_preserved_and_extended(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(ok())

    make_rest().request(
        "GET", server.origin + PATH + "?a=1&b=%2F", query_params=[("c", "x y"), ("d", "é&=")]
    )

    assert server.requests[0].target == PATH + "?a=1&b=%2F&c=x+y&d=%C3%A9%26%3D"


def test_query_params_go_before_a_fragment(server: ScriptedServer, make_rest: RestFactory) -> None:
    # requests puts the parameters in the query and drops the fragment; so must the transport.
    server.add(ok())

    make_rest().request("GET", server.origin + PATH + "?a=1#part", query_params={"c": "3"})

    assert server.requests[0].target == PATH + "?a=1&c=3"


def test_url_without_path_sends_slash(server: ScriptedServer, make_rest: RestFactory) -> None:
    server.add(ok())

    make_rest().request("GET", server.origin)

    assert server.requests[0].target == "/"


# -- the response --------------------------------------------------------------------------


def test_response_status_reason_headers_version_and_body(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(
        response(
            201,
            b'{"id":"x"}',
            {"Content-Type": "application/json", "X-Multi": "a", "x-multi": "b"},
            reason="Created Here",
        )
    )

    result = make_rest().request("POST", server.origin + PATH, body=b"{}")

    wire = result.resp
    assert isinstance(wire, WireResponse)  # the plain-HTTP transport served it
    assert (wire.status, wire.reason, wire.version) == (201, "Created Here", 11)
    assert wire.headers["content-type"] == "application/json"
    assert wire.getheader("X-MULTI") == "a, b"
    assert wire.getheader("Missing", "dflt") == "dflt"
    assert (result.status, result.data, result.text) == (201, b'{"id":"x"}', '{"id":"x"}')


def test_status_line_without_reason(server: ScriptedServer, pools: WirePools) -> None:
    server.add(b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok")

    reply = send(pools.pool(server.origin))

    assert (reply.status, reply.reason, reply.data) == (200, "", b"ok")


def test_content_length_body_keeps_the_connection(server: ScriptedServer, pools: WirePools) -> None:
    server.add(ok(b"first"), ok(b"second"))
    pool = pools.pool(server.origin)

    first = send(pool)
    second = send(pool, "POST", body=b"")

    assert (first.data, second.data) == (b"first", b"second")
    assert server.accepts == 1
    assert server.connections() == [1, 1]
    assert len(idle(pool)) == 1


def test_chunked_body_with_extensions_and_trailers(
    server: ScriptedServer, pools: WirePools
) -> None:
    body = (
        b"4;name=value\r\nWiki\r\n"
        b"5\r\npedia\r\n"
        b'e ; quoted="a;b"\r\n in\r\n\r\nchunks.\r\n'
        b"0\r\nExpires: never\r\nX-Checksum: abc\r\n\r\n"
    )
    server.add(
        response(200, body, {"Transfer-Encoding": "chunked"}, length=False),
        ok(b"next"),
    )
    pool = pools.pool(server.origin)

    first = send(pool)
    second = send(pool)

    assert first.data == b"Wikipedia in\r\n\r\nchunks."
    assert second.data == b"next"
    assert server.accepts == 1


def test_chunked_body_split_across_many_writes(server: ScriptedServer, pools: WirePools) -> None:
    chunks = [bytes([65 + i]) * (1000 * i + 1) for i in range(20)]
    server.add(response(200, chunked(*chunks), {"Transfer-Encoding": "chunked"}, length=False))

    reply = send(pools.pool(server.origin))

    assert reply.data == b"".join(chunks)


def test_close_delimited_body_is_read_to_the_end_and_not_reused(
    server: ScriptedServer, pools: WirePools
) -> None:
    big = b"z" * 200_000
    server.add(Reply(response(200, big, length=False), close=True), ok(b"again"))
    pool = pools.pool(server.origin)

    first = send(pool)

    assert first.data == big
    assert idle(pool) == []
    assert send(pool).data == b"again"
    assert server.accepts == 2


@pytest.mark.parametrize(
    ("headers", "reused"),
    [({}, False), ({"Connection": "keep-alive"}, True), ({"Connection": "Keep-Alive"}, True)],
)
def test_http_1_0_response_is_reused_only_with_keep_alive(
    server: ScriptedServer, pools: WirePools, headers: dict[str, str], reused: bool
) -> None:
    # The server leaves the connection open: only the client decides whether to reuse it.
    server.add(response(200, b"old", headers, version="HTTP/1.0"), ok(b"new"))
    pool = pools.pool(server.origin)

    first = send(pool)
    second = send(pool)

    assert (first.version, first.data, second.data) == (10, b"old", b"new")
    assert server.accepts == (1 if reused else 2)
    if not reused:
        server.wait_for(lambda: server.client_closed == [1], "the client to close connection 1")


@pytest.mark.parametrize("value", ["close", "Close", "keep-alive, close"])
def test_connection_close_is_not_reused(
    server: ScriptedServer, pools: WirePools, value: str
) -> None:
    server.add(ok(b"bye", {"Connection": value}), ok(b"new"))
    pool = pools.pool(server.origin)

    assert send(pool).data == b"bye"
    assert idle(pool) == []
    server.wait_for(lambda: server.client_closed == [1], "the client to close connection 1")
    assert send(pool).data == b"new"
    assert server.accepts == 2


@pytest.mark.parametrize(
    ("method", "head"),
    [
        ("GET", b"HTTP/1.1 204 No Content\r\n\r\n"),
        ("GET", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: x\r\n\r\n"),
        ("HEAD", b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"),
        ("HEAD", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
    ],
)
def test_responses_without_body_keep_the_connection(
    server: ScriptedServer, pools: WirePools, method: str, head: bytes
) -> None:
    server.add(head, ok(b"after"))
    pool = pools.pool(server.origin)

    first = send(pool, method)
    second = send(pool)

    assert first.data == b""
    assert second.data == b"after"  # the next response was not taken for a body
    assert server.accepts == 1


def test_interim_responses_are_skipped(server: ScriptedServer, pools: WirePools) -> None:
    server.add(
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 102 Processing\r\nX-Progress: 50\r\n\r\n" + ok(b"final", {"X-Final": "1"}),
        ok(b"next"),
    )
    pool = pools.pool(server.origin)

    reply = send(pool, "POST", body=b"x")

    assert (reply.status, reply.data, reply.headers.get("X-Final")) == (200, b"final", "1")
    assert "X-Progress" not in reply.headers
    assert send(pool).data == b"next"
    assert server.accepts == 1


def test_switching_protocols_is_an_error(server: ScriptedServer, pools: WirePools) -> None:
    server.add(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    pool = pools.pool(server.origin)

    with pytest.raises(ProtocolError, match="unexpected HTTP 101"):
        send(pool)

    assert idle(pool) == []
    wait_all_closed(server)


# -- content encoding ---------------------------------------------------------------------

PAYLOAD = json.dumps([{"taskId": str(i), "inputData": {"n": i}} for i in range(50)]).encode()


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("gzip", gzip.compress(PAYLOAD)),
        ("x-gzip", gzip.compress(PAYLOAD)),
        ("GZIP", gzip.compress(PAYLOAD)),
        ("deflate", zlib.compress(PAYLOAD)),
        ("deflate", _raw_deflate(PAYLOAD)),
        ("deflate, gzip", gzip.compress(zlib.compress(PAYLOAD))),
        ("identity", PAYLOAD),
    ],
    ids=["gzip", "x-gzip", "GZIP", "deflate-zlib", "deflate-raw", "deflate+gzip", "identity"],
)
def test_content_encoding_is_decoded(
    server: ScriptedServer, pools: WirePools, encoding: str, encoded: bytes
) -> None:
    server.add(ok(encoded, {"Content-Encoding": encoding}))

    reply = send(pools.pool(server.origin))

    assert reply.data == PAYLOAD
    assert reply.headers["Content-Encoding"] == encoding


def test_unknown_content_encoding_is_left_as_is(server: ScriptedServer, pools: WirePools) -> None:
    server.add(ok(b"\x0b\x02\x80ok\x03", {"Content-Encoding": "br"}))

    assert send(pools.pool(server.origin)).data == b"\x0b\x02\x80ok\x03"


def test_chunked_gzip_body_is_decoded(server: ScriptedServer, pools: WirePools) -> None:
    encoded = gzip.compress(PAYLOAD)
    pieces = [encoded[i : i + 100] for i in range(0, len(encoded), 100)]
    server.add(
        response(
            200,
            chunked(*pieces),
            {"Transfer-Encoding": "chunked", "Content-Encoding": "gzip"},
            length=False,
        )
    )

    assert send(pools.pool(server.origin)).data == PAYLOAD


def test_multi_member_gzip_body_is_decoded_in_full(
    server: ScriptedServer, pools: WirePools
) -> None:
    # RFC 1952 allows several members; gzip.decompress and urllib3 decode them all.
    encoded = gzip.compress(b"first member, ") + gzip.compress(b"second member")
    server.add(ok(encoded, {"Content-Encoding": "gzip"}))

    reply = send(pools.pool(server.origin))

    assert reply.data == b"first member, second member"


@pytest.mark.parametrize(
    "encoded",
    [b"\x1f\x8b\x08\x00garbage-not-gzip", gzip.compress(PAYLOAD)[:-20], b"plain text"],
    ids=["corrupt", "truncated", "not-gzip"],
)
def test_corrupt_gzip_body_is_a_decode_error(
    server: ScriptedServer, pools: WirePools, encoded: bytes
) -> None:
    server.add(ok(encoded, {"Content-Encoding": "gzip"}))
    pool = pools.pool(server.origin)

    with pytest.raises(DecodeError, match="content-encoding: gzip, but failed to decode"):
        send(pool)

    assert idle(pool) == []
    wait_all_closed(server)


def test_corrupt_gzip_body_becomes_api_exception(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(ok(b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"}))

    with pytest.raises(ApiException) as caught:
        make_rest(max_retries=3).request("GET", server.origin + PATH)

    error = caught.value
    assert error.status == 0
    assert isinstance(error.__cause__, Exception)
    assert type(error.__cause__).__name__ == "ContentDecodingError"
    assert str(error).startswith(
        f"ContentDecodingError: the response from {server.origin} could not be decoded "
        f"(its Content-Encoding is corrupt) (GET {PATH}): "
    )
    assert server.request_count() == 1  # a decode failure is not retried


# -- keep-alive and the pool ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_connection_closed_by_server_while_idle_is_replaced(
    server: ScriptedServer, pools: WirePools, method: str
) -> None:
    server.add(ok(b"one"), ok(b"two"))
    pool = pools.pool(server.origin)
    send(pool, method, body=b"1" if method == "POST" else None)
    server.close_idle()
    wait_readable(idle(pool))  # the server's FIN has reached the idle socket

    # No retries allowed: the stale connection must be noticed before anything is sent.
    second = send(pool, method, body=b"2" if method == "POST" else None)

    assert second.data == b"two"
    assert server.accepts == 2
    assert server.connections() == [1, 2]
    assert [request.body for request in server.requests] == (
        [b"1", b"2"] if method == "POST" else [b"", b""]
    )


def test_idle_connection_with_unexpected_data_is_not_reused(
    server: ScriptedServer, pools: WirePools
) -> None:
    # Bytes after a complete response: the connection is out of step and is dropped.
    server.add(ok(b"one") + b"HTTP/1.1 200 OK\r\n", ok(b"two"))
    pool = pools.pool(server.origin)

    send(pool)
    second = send(pool)

    assert second.data == b"two"
    assert server.accepts == 2


def test_rest_client_reuses_one_connection(server: ScriptedServer, make_rest: RestFactory) -> None:
    server.add(ok(b"a"), ok(b"b"), ok(b"c"))
    client = make_rest()

    bodies = [client.request(m, server.origin + PATH).data for m in ("GET", "POST", "DELETE")]

    assert bodies == [b"a", b"b", b"c"]
    assert server.accepts == 1


def test_pool_of_one_serves_concurrent_requests_and_keeps_one(server: ScriptedServer) -> None:
    gate = threading.Event()
    server.add(Reply(ok(b"r"), gate=gate), Reply(ok(b"r"), gate=gate), ok(b"third"))
    wire = WirePools(1)
    pool = wire.pool(server.origin)
    results: list[bytes] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            results.append(send(pool).data)
        except BaseException as exc:  # reported by the assertions below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        server.wait_for(lambda: len(server.requests) == 2, "both requests to arrive")
        gate.set()
        for thread in threads:
            thread.join(timeout=10)

        assert errors == []
        assert results == [b"r", b"r"]
        assert server.accepts == 2
        assert len(idle(pool)) == 1
        server.wait_for(lambda: len(server.client_closed) == 1, "the extra connection to close")
        assert send(pool).data == b"third"
        assert server.accepts == 2  # served by the connection that stayed
    finally:
        wire.close()


def test_pools_are_per_origin(server: ScriptedServer, pools: WirePools) -> None:
    pool = pools.pool(server.origin)

    assert pools.pool(server.origin) is pool
    assert pools.pool("http://127.0.0.1:1") is not pool
    assert (pool.host, pool.port, pool.host_header) == (
        "127.0.0.1",
        server.port,
        f"127.0.0.1:{server.port}",
    )


# -- malformed responses -------------------------------------------------------------------

_HEADERS_TOO_MANY = "".join(f"X-H{i}: v\r\n" for i in range(MAX_HEADERS + 1))

MALFORMED: list[Any] = [
    pytest.param(Reply(b"garbage\r\n\r\n"), "malformed status line 'garbage'", id="garbage"),
    pytest.param(
        Reply(b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"),
        "malformed status line",
        id="status-not-numeric",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"),
        "malformed status line",
        id="status-two-digits",
    ),
    pytest.param(
        Reply(b"HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n"),
        "malformed status line",
        id="not-http1",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nNoColonHere\r\nContent-Length: 0\r\n\r\n"),
        "malformed response header 'NoColonHere'",
        id="header-without-colon",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\n folded: x\r\nContent-Length: 0\r\n\r\n"),
        "malformed response header",
        id="header-name-with-space",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nContent-Le", close=True),
        "the response head was cut short",
        id="truncated-head",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close=True),
        "IncompleteRead",
        id="truncated-body",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"),
        "invalid chunk size b'zz'",
        id="bad-chunk-size",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"),
        "chunk not followed by CRLF",
        id="chunk-too-long",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", close=True),
        "cut short|IncompleteRead",
        id="truncated-chunk",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", close=True),
        "cut short|IncompleteRead",
        id="missing-last-chunk",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (4 * MAX_HEAD_BYTES) + b"\r\n\r\n"),
        f"response head longer than {MAX_HEAD_BYTES} bytes",
        id="huge-head",
    ),
    pytest.param(
        Reply(f"HTTP/1.1 200 OK\r\n{_HEADERS_TOO_MANY}Content-Length: 0\r\n\r\n".encode()),
        f"more than {MAX_HEADERS} response headers",
        id="too-many-headers",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"),
        "invalid Content-Length '2, 3'",
        id="conflicting-lengths",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n"),
        "invalid Content-Length '2, 3'",
        id="conflicting-length-list",
    ),
    pytest.param(
        Reply(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
        "invalid Content-Length '-1'",
        id="negative-length",
    ),
    pytest.param(
        Reply(b"", close=True), "Remote end closed connection without response", id="no-response"
    ),
]


@pytest.mark.parametrize(("reply", "message"), MALFORMED)
def test_malformed_response_is_a_protocol_error_and_drops_the_connection(
    server: ScriptedServer, pools: WirePools, reply: Reply, message: str
) -> None:
    server.add(reply, ok(b"fine"))
    pool = pools.pool(server.origin)

    with pytest.raises(ProtocolError, match=message):
        send(pool)

    assert idle(pool) == []
    wait_all_closed(server)
    assert send(pool).data == b"fine"  # a fresh connection serves the next request
    assert server.accepts == 2


@pytest.mark.parametrize(("reply", "message"), MALFORMED)
def test_malformed_response_becomes_api_exception_with_status_0(
    server: ScriptedServer, make_rest: RestFactory, reply: Reply, message: str
) -> None:
    server.add(reply)

    with pytest.raises(ApiException) as caught:
        make_rest().request("GET", server.origin + PATH)

    assert caught.value.status == 0
    text = str(caught.value)
    assert text.startswith(
        f"ConnectionError: the connection to {server.origin} broke before a complete "
        f"response (GET {PATH}): "
    )
    assert caught.value.reason == text
    assert re.search(message, text), text


def test_status_code_with_non_ascii_digits_is_a_protocol_error(
    server: ScriptedServer, pools: WirePools
) -> None:
    # "\xb2" is SUPERSCRIPT TWO in latin-1: str.isdigit() accepts it, int() does not.
    server.add(b"HTTP/1.1 \xb200 OK\r\nContent-Length: 0\r\n\r\n")

    with pytest.raises(ProtocolError, match="malformed status line"):
        send(pools.pool(server.origin))


def test_content_length_with_non_ascii_digits_is_a_protocol_error(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(b"HTTP/1.1 200 OK\r\nContent-Length: \xb9\r\n\r\nx")

    with pytest.raises(ProtocolError, match="invalid Content-Length"):
        send(pools.pool(server.origin))


def test_non_ascii_digit_status_becomes_api_exception(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(b"HTTP/1.1 \xb200 OK\r\nContent-Length: 0\r\n\r\n")

    with pytest.raises(ApiException) as caught:
        make_rest().request("GET", server.origin + PATH)

    assert caught.value.status == 0
    assert "malformed status line" in str(caught.value)


def test_head_just_over_the_limit_is_refused(server: ScriptedServer, pools: WirePools) -> None:
    filler = b"a" * (MAX_HEAD_BYTES + 100 - len(b"HTTP/1.1 200 OK\r\nX-Big: \r\n\r\n"))
    head = b"HTTP/1.1 200 OK\r\nX-Big: " + filler + b"\r\n\r\n"
    assert len(head) == MAX_HEAD_BYTES + 100
    server.add(head)

    with pytest.raises(ProtocolError, match=f"longer than {MAX_HEAD_BYTES} bytes"):
        send(pools.pool(server.origin))


def test_head_at_the_limit_is_accepted(server: ScriptedServer, pools: WirePools) -> None:
    prefix = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Big: "
    filler = b"a" * (MAX_HEAD_BYTES - len(prefix) - 4)
    server.add(prefix + filler + b"\r\n\r\nok")

    reply = send(pools.pool(server.origin))

    assert (reply.data, len(reply.headers["X-Big"])) == (b"ok", len(filler))


def test_exactly_max_headers_are_accepted(server: ScriptedServer, pools: WirePools) -> None:
    names = "".join(f"X-H{i}: v\r\n" for i in range(MAX_HEADERS - 1))
    server.add(f"HTTP/1.1 200 OK\r\n{names}Content-Length: 2\r\n\r\nok".encode())

    reply = send(pools.pool(server.origin))

    assert (reply.data, len(reply.headers)) == (b"ok", MAX_HEADERS)


# -- retries ---------------------------------------------------------------------------------


def test_post_closed_without_response_is_not_retried(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(Reply(close=True), ok(b"unused"))
    retry = build_retry(Configuration())
    assert retry.read == 1

    with pytest.raises(ProtocolError, match="Remote end closed connection without response"):
        send(pools.pool(server.origin), "POST", body=b"{}", retries=retry)

    assert server.request_count() == 1


def test_get_closed_without_response_is_retried_once(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(Reply(close=True), Reply(close=True), ok(b"unused"))

    with pytest.raises(MaxRetryError) as caught:
        send(pools.pool(server.origin), retries=build_retry(Configuration()))

    assert isinstance(caught.value.reason, ProtocolError)
    assert server.request_count() == 2


def test_get_retry_after_closed_connection_succeeds(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(Reply(close=True), ok(b"second try"))

    reply = send(pools.pool(server.origin), retries=build_retry(Configuration()))

    assert reply.data == b"second try"
    assert server.request_count() == 2
    assert server.accepts == 2


@pytest.mark.parametrize(("method", "sent"), [("GET", 2), ("POST", 1)])
def test_rest_client_retries_closed_connection_only_for_idempotent_methods(
    server: ScriptedServer, make_rest: RestFactory, method: str, sent: int
) -> None:
    server.add(Reply(close=True), Reply(close=True))

    with pytest.raises(ApiException) as caught:
        make_rest(max_retries=3).request(method, server.origin + PATH)

    assert caught.value.status == 0
    assert "broke before a complete response" in str(caught.value)
    assert server.request_count() == sent


def test_connection_refused_is_retried_then_new_connection_error(closed_port: int) -> None:
    counting = counting_retry()
    retry = counting(total=2, connect=2, backoff_factor=0)
    wire = WirePools(1)
    try:
        with pytest.raises(MaxRetryError) as caught:
            send(wire.pool(f"http://127.0.0.1:{closed_port}"), retries=retry)
    finally:
        wire.close()

    assert isinstance(caught.value.reason, NewConnectionError)
    assert "Connection refused" in str(caught.value.reason)
    assert len(counting.seen) == 3  # the first attempt and two retries
    assert all(isinstance(error, NewConnectionError) for error in counting.seen)


def test_connection_refused_without_retries_is_new_connection_error(closed_port: int) -> None:
    wire = WirePools(1)
    try:
        with pytest.raises(NewConnectionError, match=f"127.0.0.1:{closed_port}"):
            send(wire.pool(f"http://127.0.0.1:{closed_port}"))
    finally:
        wire.close()


def test_connection_refused_becomes_api_exception(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/api"
    client = RESTClientObject(
        configuration=Configuration(server_api_url=url, max_retries=2, retry_backoff_factor=0)
    )
    try:
        with pytest.raises(ApiException) as caught:
            client.request("POST", url + "/tasks", body={})
    finally:
        client.close()

    assert caught.value.status == 0
    assert str(caught.value).startswith(
        f"ConnectionError: could not connect to http://127.0.0.1:{closed_port} (POST /api/tasks): "
    )
    assert "Connection refused" in str(caught.value)


def test_read_timeout(server: ScriptedServer, pools: WirePools) -> None:
    server.add(Reply(hold=True))

    with pytest.raises(ReadTimeoutError, match=r"read timeout=0\.2"):
        send(pools.pool(server.origin), timeout=(5.0, 0.2))

    assert server.request_count() == 1


def test_read_timeout_becomes_api_exception_after_one_retry(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(Reply(hold=True), Reply(hold=True))

    with pytest.raises(ApiException) as caught:
        make_rest(max_retries=3).request("GET", server.origin + PATH, _request_timeout=(5, 0.2))

    assert caught.value.status == 0
    assert str(caught.value).startswith(
        f"ReadTimeout: no response from {server.origin} within 0.2 s (GET {PATH}): "
    )
    assert server.request_count() == 2  # read failures are retried once


def test_post_read_timeout_is_not_retried(server: ScriptedServer, make_rest: RestFactory) -> None:
    server.add(Reply(hold=True))

    with pytest.raises(ApiException) as caught:
        make_rest(max_retries=3).request("POST", server.origin + PATH, _request_timeout=(5, 0.2))

    assert caught.value.status == 0
    assert "ReadTimeout" in str(caught.value)
    assert server.request_count() == 1


def _status_retry(**overrides: Any) -> Retry:
    settings: dict[str, Any] = {
        "status": 2,
        "status_forcelist": {503},
        "backoff_factor": 0,
        "raise_on_status": False,
        "allowed_methods": {"GET"},
    }
    settings.update(overrides)
    return Retry(**settings)


def test_status_retry_then_success(server: ScriptedServer, pools: WirePools) -> None:
    server.add(response(503, b"busy", reason="Unavailable"), ok(b"done"))

    reply = send(pools.pool(server.origin), retries=_status_retry())

    assert (reply.status, reply.data) == (200, b"done")
    assert server.request_count() == 2
    assert server.accepts == 1  # the 503 was read in full, so its connection was reused


def test_status_retry_not_for_post(server: ScriptedServer, pools: WirePools) -> None:
    server.add(response(503, b"busy"))

    reply = send(pools.pool(server.origin), "POST", body=b"{}", retries=_status_retry())

    assert (reply.status, reply.data) == (503, b"busy")
    assert server.request_count() == 1


def test_exhausted_status_retries_return_the_last_response(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(response(503, b"one"), response(503, b"two"), response(503, b"three"))

    reply = send(pools.pool(server.origin), retries=_status_retry())

    assert (reply.status, reply.data) == (503, b"three")
    assert server.request_count() == 3


def test_exhausted_status_retries_raise_when_asked(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(response(503, b"one"), response(503, b"two"))

    with pytest.raises(MaxRetryError, match="too many 503 error responses"):
        send(pools.pool(server.origin), retries=_status_retry(status=1, raise_on_status=True))

    assert server.request_count() == 2


def test_rest_client_status_retries_then_api_exception(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(*(response(502, b'{"message":"bad gateway"}') for _ in range(3)))

    with pytest.raises(ApiException) as caught:
        make_rest(max_retries=2, retry_backoff_factor=0).request("GET", server.origin + PATH)

    assert caught.value.status == 502
    assert caught.value.message == "bad gateway"
    assert server.request_count() == 3


# -- request validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Evil": "a\r\nInjected: yes"},
        {"X-Evil": "a\nInjected: yes"},
        {"X-Evil": "a\rb"},
        {"X-Evil\r\nInjected": "yes"},
        {"X-Evil: x": "yes"},
    ],
    ids=["crlf-value", "lf-value", "cr-value", "crlf-name", "colon-name"],
)
def test_header_injection_is_refused_before_sending(
    server: ScriptedServer, pools: WirePools, headers: dict[str, str]
) -> None:
    server.add(ok(b"one"), ok(b"two"))
    pool = pools.pool(server.origin)
    send(pool)  # an idle connection the bad request would use

    with pytest.raises(ValueError, match="invalid header"):
        send(pool, headers=headers)

    assert send(pool).data == b"two"
    assert server.accepts == 1
    assert [request.raw.count(b"Injected") for request in server.requests] == [0, 0]


@pytest.mark.parametrize(
    "target", ["/a b", "/a\tb", "/a\r\nX: y", "/a\x00", "/a\x7f", ""], ids=repr
)
def test_invalid_request_target_is_refused(
    server: ScriptedServer, pools: WirePools, target: str
) -> None:
    server.add(ok(b"one"))
    pool = pools.pool(server.origin)

    with pytest.raises(ValueError, match="invalid request target"):
        send(pool, target=target)

    assert send(pool).data == b"one"
    assert server.request_count() == 1


# -- closing ---------------------------------------------------------------------------------


def test_close_closes_idle_connections(server: ScriptedServer) -> None:
    server.add(ok(b"one"), ok(b"two"))
    wire = WirePools(2)
    pool = wire.pool(server.origin)
    send(pool)

    wire.close()

    assert idle(pool) == []
    server.wait_for(lambda: server.client_closed == [1], "the idle connection to close")
    assert send(wire.pool(server.origin)).data == b"two"  # a new pool after close
    assert server.accepts == 2
    wire.close()


def test_connection_in_use_during_close_is_closed_on_return(server: ScriptedServer) -> None:
    gate = threading.Event()
    server.add(Reply(ok(b"late"), gate=gate))
    wire = WirePools(2)
    pool = wire.pool(server.origin)
    results: list[bytes] = []
    thread = threading.Thread(target=lambda: results.append(send(pool).data))
    thread.start()
    server.wait_for(lambda: len(server.requests) == 1, "the request to arrive")

    wire.close()
    gate.set()
    thread.join(timeout=10)

    assert results == [b"late"]
    assert idle(pool) == []
    server.wait_for(lambda: server.client_closed == [1], "the returned connection to close")


def test_pool_dropped_without_close_closes_its_sockets(server: ScriptedServer) -> None:
    server.add(ok())
    wire = WirePools(2)
    send(wire.pool(server.origin))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del wire
        gc.collect()

    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    server.wait_for(lambda: server.client_closed == [1], "the finalizer to close the socket")


def test_rest_client_close_closes_wire_connections(
    server: ScriptedServer, make_rest: RestFactory
) -> None:
    server.add(ok())
    client = make_rest()
    client.request("GET", server.origin + PATH)

    client.close()

    server.wait_for(lambda: server.client_closed == [1], "the client to close its connection")


# -- end to end ------------------------------------------------------------------------------


def test_batch_poll_decodes_chunked_gzip_tasks(server: ScriptedServer) -> None:
    tasks = [
        {
            "taskId": f"task-{i}",
            "taskType": "wire_task",
            "status": "IN_PROGRESS",
            "inputData": {"n": i, "text": "é"},
            "workflowInstanceId": "wf-1",
            "pollCount": 1,
        }
        for i in range(3)
    ]
    encoded = gzip.compress(json.dumps(tasks).encode())
    server.add(
        response(
            200,
            chunked(encoded[:10], encoded[10:50], encoded[50:]),
            {
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
                "Transfer-Encoding": "chunked",
            },
            length=False,
        ),
        b"HTTP/1.1 204 No Content\r\n\r\n",
    )

    with ApiClient(Configuration(server_api_url=server.url)) as client:
        api = TaskResourceApi(client)
        polled = api.batch_poll("wire_task", workerid="w-1", count=3, timeout=100)
        empty = api.poll("wire_task", workerid="w-1")

    assert [type(task) for task in polled] == [Task, Task, Task]
    assert [task.task_id for task in polled] == ["task-0", "task-1", "task-2"]
    assert polled[2].input_data == {"n": 2, "text": "é"}
    assert (polled[0].status, polled[0].workflow_instance_id) == ("IN_PROGRESS", "wf-1")
    assert empty is None
    first = server.requests[0]
    target = urlsplit(first.target)
    assert target.path == "/api/tasks/poll/batch/wire_task"
    assert dict(parse_qsl(target.query)) == {"workerid": "w-1", "count": "3", "timeout": "100"}
    assert first.header("Accept-Encoding") == "gzip"
    assert first.header("Host") == f"127.0.0.1:{server.port}"
    assert server.accepts == 1
    server.wait_for(lambda: server.client_closed == [1], "ApiClient.close to close the socket")


# -- on an event loop ------------------------------------------------------------------------


def asend(
    pool: OriginPool,
    method: str = "GET",
    *,
    body: bytes | None = None,
    timeout: tuple[float, float] = TIMEOUT,
    retries: Retry = NO_RETRY,
) -> WireResponse:
    """:func:`send` through ``aurlopen`` on a fresh event loop."""
    url = f"http://{pool.host_header}{PATH}"
    headers = {} if body is None else {"Content-Length": str(len(body))}
    return asyncio.run(aurlopen(pool, method, url, PATH, headers, body, timeout, retries))


def test_aurlopen_shares_kept_alive_connections_with_urlopen(
    server: ScriptedServer, pools: WirePools
) -> None:
    encoded = gzip.compress(PAYLOAD)
    server.add(
        response(
            200,
            chunked(encoded[:30], encoded[30:]),
            {"Transfer-Encoding": "chunked", "Content-Encoding": "gzip"},
            length=False,
        ),
        ok(b"sync"),
        ok(b"async again"),
    )
    pool = pools.pool(server.origin)

    first = asend(pool, "POST", body=b"{}")
    second = send(pool)
    third = asend(pool)

    assert (first.data, second.data, third.data) == (PAYLOAD, b"sync", b"async again")
    assert server.accepts == 1
    assert server.requests[0].raw.endswith(b"Content-Length: 2\r\n\r\n{}")


def test_aurlopen_malformed_response_drops_the_connection(
    server: ScriptedServer, pools: WirePools
) -> None:
    server.add(b"HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", ok(b"fine"))
    pool = pools.pool(server.origin)

    with pytest.raises(ProtocolError, match="malformed response header"):
        asend(pool)

    assert idle(pool) == []
    wait_all_closed(server)
    assert asend(pool).data == b"fine"
    assert server.accepts == 2


def test_aurlopen_read_timeout(server: ScriptedServer, pools: WirePools) -> None:
    server.add(Reply(hold=True), Reply(hold=True))

    with pytest.raises(MaxRetryError) as caught:
        asend(pools.pool(server.origin), timeout=(5.0, 0.2), retries=build_retry(Configuration()))

    assert isinstance(caught.value.reason, ReadTimeoutError)
    assert "read timeout=0.2" in str(caught.value.reason)
    assert server.request_count() == 2  # a GET read failure is retried once


def test_aurlopen_status_retry(server: ScriptedServer, pools: WirePools) -> None:
    server.add(response(503, b"busy"), ok(b"done"))

    reply = asend(pools.pool(server.origin), retries=_status_retry())

    assert (reply.status, reply.data) == (200, b"done")
    assert server.request_count() == 2


def test_aurlopen_connection_refused_is_retried(closed_port: int) -> None:
    counting = counting_retry()
    wire = WirePools(1)
    try:
        with pytest.raises(MaxRetryError) as caught:
            asend(
                wire.pool(f"http://127.0.0.1:{closed_port}"),
                retries=counting(total=2, connect=2, backoff_factor=0),
            )
    finally:
        wire.close()

    assert isinstance(caught.value.reason, NewConnectionError)
    assert len(counting.seen) == 3
