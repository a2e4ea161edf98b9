"""Fault injection: delays, failed and dropped requests, pausing the listener."""

from __future__ import annotations

import socket
import threading

import pytest
import requests
from server_helpers import Api, closed_by_peer

from conductor.client.testing import InMemoryConductorServer


def test_delay_holds_responses_until_removed(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.delay("poll", 2.0)

    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get(f"/tasks/poll/{task_type}", timeout=0.2)

    server.delay("poll", 0)
    assert api.get(f"/tasks/poll/{task_type}").status_code == 204


def test_delay_applies_only_to_its_endpoint(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.delay("update_task", 5.0)

    response = api.get(f"/tasks/poll/batch/{task_type}", params={"timeout": 0}, timeout=2)

    assert response.status_code == 200


def test_fail_next_with_status(api: Api, server: InMemoryConductorServer, task_type: str):
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None
    server.fail_next("update_task", 2, status=503)

    first = api.update(task, "COMPLETED")
    second = api.update(task, "COMPLETED")
    assert server.get_task(task_id)["status"] == "IN_PROGRESS"  # failed before processing
    third = api.update(task, "COMPLETED")

    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 200]
    body = first.json()
    assert body["status"] == 503
    assert body["retryable"] is True
    assert set(body) == {"status", "message", "instance", "retryable"}
    assert server.get_task(task_id)["status"] == "COMPLETED"
    assert server.request_counts["update_task"] == 3


def test_fail_next_with_custom_body(api: Api, server: InMemoryConductorServer, task_type: str):
    server.fail_next("poll", 1, status=401, body={"error": "EXPIRED_TOKEN", "message": "x"})

    response = api.get(f"/tasks/poll/{task_type}")

    assert response.status_code == 401
    assert response.json() == {"error": "EXPIRED_TOKEN", "message": "x"}


def test_fail_next_drop_closes_connection_without_answer(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    server.fail_next("batch_poll", 1, drop=True)

    with pytest.raises(requests.exceptions.ConnectionError):
        api.get(f"/tasks/poll/batch/{task_type}")

    assert server.queue_size(task_type) == 1  # dropped before processing: nothing handed out
    assert len(api.batch_poll(task_type, timeout=0)) == 1


def test_fail_after_processing_loses_only_the_response(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None
    server.fail_next("update_task", 1, drop=True, after_processing=True)

    with pytest.raises(requests.exceptions.ConnectionError):
        api.update(task, "COMPLETED")

    assert server.get_task(task_id)["status"] == "COMPLETED"
    assert api.update(task, "COMPLETED").status_code == 200  # the retry is idempotent


def test_clear_faults(api: Api, server: InMemoryConductorServer, task_type: str):
    server.fail_next("poll", 5, status=500)
    server.delay("poll", 5)

    server.clear_faults()

    assert api.get(f"/tasks/poll/{task_type}", timeout=2).status_code == 204


def test_unknown_endpoint_name_is_rejected(server: InMemoryConductorServer):
    with pytest.raises(ValueError, match="unknown endpoint"):
        server.fail_next("polls", 1)
    with pytest.raises(ValueError, match="unknown endpoint"):
        server.delay("everything", 1)


def test_pause_refuses_connections_and_resume_keeps_state(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        idle.sendall(f"GET /api/tasks/{task_id} HTTP/1.1\r\n\r\n".encode())
        assert idle.recv(65536).startswith(b"HTTP/1.1 200")

        server.pause()

        assert closed_by_peer(idle)  # existing keep-alive connections are closed
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
        with pytest.raises(requests.exceptions.ConnectionError):
            api.get(f"/tasks/{task_id}")
        assert server.get_task(task_id)["status"] == "SCHEDULED"  # helpers still work

        server.resume()

        response = api.get(f"/tasks/{task_id}")
        assert response.status_code == 200
        assert response.json()["taskId"] == task_id
        assert api.poll(task_type)["taskId"] == task_id  # type: ignore[index]
    finally:
        idle.close()


def test_pause_cuts_a_waiting_long_poll(api: Api, server: InMemoryConductorServer, task_type: str):
    errors: list[BaseException] = []
    started = threading.Event()

    def long_poll() -> None:
        client = Api(server.url)
        try:
            started.set()
            client.get(f"/tasks/poll/batch/{task_type}", params={"timeout": 5000}, timeout=30)
        except requests.exceptions.ConnectionError as exc:
            errors.append(exc)
        finally:
            client.close()

    thread = threading.Thread(target=long_poll)
    thread.start()
    started.wait(5)
    server.wait_for(lambda: server.request_counts.get("batch_poll", 0) == 1)

    server.pause()
    thread.join(10)
    server.resume()

    assert not thread.is_alive()
    assert len(errors) == 1
    task_id = server.enqueue_task(task_type)
    assert api.poll(task_type)["taskId"] == task_id  # type: ignore[index]
