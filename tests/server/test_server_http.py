"""The HTTP/1.1 layer: raw sockets and ``http.client`` against the server."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator

import pytest
from server_helpers import Api, closed_by_peer

from conductor.client.testing import InMemoryConductorServer


@pytest.fixture
def raw(server: InMemoryConductorServer) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        yield sock
    finally:
        sock.close()


def _read_response(sock: socket.socket, buffer: bytearray) -> tuple[int, dict[str, str], bytes]:
    """Read one response (Content-Length framed) from ``sock``; leftovers stay in ``buffer``."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a full response head")
        buffer += chunk
    head, _, _ = bytes(buffer).partition(b"\r\n\r\n")
    del buffer[: len(head) + 4]
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(buffer) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the full body")
        buffer += chunk
    body = bytes(buffer[:length])
    del buffer[:length]
    return status, headers, body


def test_keep_alive_serves_many_requests_on_one_connection(
    server: InMemoryConductorServer, task_type: str
):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        statuses = []
        for _ in range(20):
            connection.request("GET", f"/api/tasks/poll/{task_type}")
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        assert statuses == [204] * 20
        assert server.request_counts["poll"] == 20
    finally:
        connection.close()


def test_pipelined_requests_are_answered_in_order(
    raw: socket.socket, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    request = (
        f"GET /api/tasks/{task_id} HTTP/1.1\r\nHost: x\r\n\r\n"
        f"GET /api/tasks/missing HTTP/1.1\r\nHost: x\r\n\r\n"
    ).encode()

    raw.sendall(request)
    buffer = bytearray()
    first = _read_response(raw, buffer)
    second = _read_response(raw, buffer)

    assert first[0] == 200
    assert json.loads(first[2])["taskId"] == task_id
    assert second[0] == 404


def test_pipelined_request_behind_a_waiting_long_poll_is_answered_after_it(
    raw: socket.socket, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    request = (
        f"GET /api/tasks/poll/batch/{task_type}-empty?count=1&timeout=200 HTTP/1.1\r\n\r\n"
        f"GET /api/tasks/{task_id} HTTP/1.1\r\n\r\n"
    ).encode()
    raw.sendall(f"GET /api/tasks/{task_id} HTTP/1.1\r\n\r\n".encode())
    buffer = bytearray()
    assert _read_response(raw, buffer)[0] == 200  # the connection now waits for requests

    raw.sendall(request)
    first = _read_response(raw, buffer)
    second = _read_response(raw, buffer)

    assert (first[0], json.loads(first[2])) == (200, [])
    assert second[0] == 200
    assert json.loads(second[2])["taskId"] == task_id


def test_request_arriving_in_small_pieces_is_answered(
    raw: socket.socket, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(task_id)["workflowInstanceId"]
    body = json.dumps(
        {
            "taskId": task_id,
            "workflowInstanceId": workflow_id,
            "status": "COMPLETED",
        }
    ).encode()
    request = (
        f"POST /api/tasks HTTP/1.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    for start in range(0, len(request), 7):
        raw.sendall(request[start : start + 7])
    status, _, answer = _read_response(raw, bytearray())

    assert (status, answer.decode()) == (200, task_id)
    assert server.get_task(task_id)["status"] == "COMPLETED"


def test_connection_close_is_honoured(raw: socket.socket, task_type: str):
    raw.sendall(f"GET /api/tasks/poll/{task_type} HTTP/1.1\r\nConnection: close\r\n\r\n".encode())

    status, headers, _ = _read_response(raw, bytearray())

    assert status == 204
    assert headers["connection"] == "close"
    assert closed_by_peer(raw)


def test_http_1_0_closes_after_response(raw: socket.socket, task_type: str):
    raw.sendall(f"GET /api/tasks/poll/{task_type} HTTP/1.0\r\n\r\n".encode())

    status, _, _ = _read_response(raw, bytearray())

    assert status == 204
    assert closed_by_peer(raw)


def test_chunked_request_body_is_supported(
    raw: socket.socket, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(task_id)["workflowInstanceId"]
    body = json.dumps(
        {"taskId": task_id, "workflowInstanceId": workflow_id, "status": "COMPLETED"}
    ).encode()
    half = len(body) // 2
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:half], body[half:])
    )
    raw.sendall(
        b"POST /api/tasks HTTP/1.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
    )

    status, headers, response_body = _read_response(raw, bytearray())

    assert status == 200
    assert headers["content-type"].startswith("text/plain")
    assert response_body.decode() == task_id
    assert server.get_task(task_id)["status"] == "COMPLETED"


def test_expect_100_continue(raw: socket.socket, server: InMemoryConductorServer):
    body = b"a log line"
    raw.sendall(
        b"POST /api/tasks/t1/log HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n"
    )
    buffer = bytearray()
    interim = _read_response(raw, buffer)
    raw.sendall(body)
    final = _read_response(raw, buffer)

    assert interim[0] == 100
    assert final[0] == 200
    assert server.task_logs("t1")[0]["log"] == "a log line"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET /api/tasks/x HTTP/2.0\r\n\r\n", 505),
        (b"POST /api/tasks HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
        (b"POST /api/tasks HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"GET /api/tasks/x HTTP/1.1\r\nbad header line\r\n\r\n", 400),
    ],
)
def test_malformed_requests_get_an_error_and_close(
    raw: socket.socket, request_bytes: bytes, status: int
):
    raw.sendall(request_bytes)

    answer = _read_response(raw, bytearray())

    assert answer[0] == status
    assert closed_by_peer(raw)


def test_percent_decoding_of_path_and_query(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    odd_type = task_type + " x/y"
    task_id = server.enqueue_task(odd_type, domain="d 1&2")

    response = api.get(
        "/tasks/poll/" + odd_type.replace(" ", "%20").replace("/", "%2F"),
        params={"domain": "d 1&2", "workerid": "w%"},
    )

    assert response.status_code == 200
    assert response.json()["taskId"] == task_id
    assert response.json()["workerId"] == "w%"


def test_repeated_query_parameters(api: Api, server: InMemoryConductorServer, task_type: str):
    server.enqueue_task(task_type)

    response = api.get("/tasks/queue/sizes", params=[("taskType", task_type), ("taskType", "b")])

    assert response.json() == {task_type: 1, "b": 0}


def test_unknown_route_and_wrong_method(api: Api):
    unknown = api.get("/tasks/poll")
    outside_api = api.get("/../../etc")
    wrong_method = api.put("/tasks/poll/some_type")

    assert unknown.status_code == 404
    assert set(unknown.json()) == {"status", "message", "instance", "retryable"}
    assert outside_api.status_code == 404
    assert wrong_method.status_code == 405
    assert wrong_method.json()["status"] == 405


def test_head_request_has_headers_but_no_body(raw: socket.socket, task_type: str):
    raw.sendall(b"HEAD /api/metadata/taskdefs HTTP/1.1\r\n\r\n")
    buffer = bytearray()
    while b"\r\n\r\n" not in buffer:
        buffer += raw.recv(65536)

    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")

    assert head.startswith(b"HTTP/1.1 200")
    assert b"Content-Length:" in head
    assert rest == b""


def test_no_content_response_has_no_body_headers(raw: socket.socket, task_type: str):
    raw.sendall(f"GET /api/tasks/poll/{task_type} HTTP/1.1\r\n\r\n".encode())

    status, headers, body = _read_response(raw, bytearray())

    assert status == 204
    assert "content-length" not in headers
    assert body == b""
