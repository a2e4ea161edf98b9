"""Starting and stopping: threads, ports, the context manager and ``python -m``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading

import pytest
import requests

from conductor.client.testing import InMemoryConductorServer


def _server_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "conductor-local-server"]


def test_stop_joins_thread_and_frees_the_port():
    before = len(_server_threads())
    server = InMemoryConductorServer().start()
    port = server.port
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)  # an open connection
    try:
        server.stop()

        assert len(_server_threads()) == before
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        with InMemoryConductorServer(port=port) as again:
            response = requests.get(again.url + "/metadata/taskdefs", timeout=5)
            assert response.status_code == 200
    finally:
        idle.close()


def test_port_in_use_raises_os_error(conductor_server: InMemoryConductorServer):
    with pytest.raises(OSError, match="in use"):
        InMemoryConductorServer(port=conductor_server.port).start()


def test_stop_is_idempotent_and_safe_before_start():
    before = len(_server_threads())
    server = InMemoryConductorServer()
    server.stop()
    server.start()
    server.stop()
    server.stop()

    assert len(_server_threads()) == before
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(server.url + "/metadata/taskdefs", timeout=5)


def test_start_twice_is_an_error(conductor_server: InMemoryConductorServer):
    with pytest.raises(RuntimeError, match="already started"):
        conductor_server.start()


def test_url_properties(conductor_server: InMemoryConductorServer):
    assert conductor_server.url == f"http://127.0.0.1:{conductor_server.port}/api"
    assert conductor_server.base_url + "/api" == conductor_server.url
    assert conductor_server.api_url("/tasks/x") == conductor_server.url + "/tasks/x"
    with pytest.raises(RuntimeError, match="start"):
        _ = InMemoryConductorServer().url


def test_helpers_work_before_start_and_state_survives_start():
    server = InMemoryConductorServer()
    task_id = server.enqueue_task("before_start")

    with server:
        response = requests.get(f"{server.url}/tasks/{task_id}", timeout=5)

    assert response.json()["taskId"] == task_id


def test_wait_for_raises_timeout_error_with_message(conductor_server: InMemoryConductorServer):
    def never() -> bool:
        return False

    with pytest.raises(TimeoutError, match="never"):
        conductor_server.wait_for(never, timeout=0.05)


def test_get_task_and_workflow_helpers_raise_key_error(conductor_server: InMemoryConductorServer):
    with pytest.raises(KeyError):
        conductor_server.get_task("missing")
    with pytest.raises(KeyError):
        conductor_server.workflow("missing")


def test_start_workflow_helper(conductor_server: InMemoryConductorServer):
    conductor_server.register_workflow_def(
        {"name": "helper_wf", "tasks": [{"name": "helper_t", "taskReferenceName": "t"}]}
    )

    workflow_id = conductor_server.start_workflow("helper_wf", {"a": 1}, correlation_id="c")

    workflow = conductor_server.workflow(workflow_id)
    assert workflow["correlationId"] == "c"
    assert workflow["tasks"][0]["taskType"] == "helper_t"


def _start_module(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "conductor.client.testing", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    url = next((word for word in line.split() if word.startswith("http://")), "")
    return process, url


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_python_dash_m_serves_until_interrupted(stop_signal: signal.Signals):
    process, url = _start_module()
    try:
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/api")
        response = requests.get(url + "/metadata/taskdefs", timeout=5)
        assert response.status_code == 200
        assert response.json() == []

        process.send_signal(stop_signal)
        stdout, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0
    assert "stopped" in stdout


def test_python_dash_m_with_auth():
    process, url = _start_module("--auth-key", "k", "--auth-secret", "s")
    try:
        unauthorized = requests.get(url + "/metadata/taskdefs", timeout=5)
        token = requests.post(url + "/token", json={"keyId": "k", "keySecret": "s"}, timeout=5)
        authorized = requests.get(
            url + "/metadata/taskdefs",
            headers={"X-Authorization": token.json()["token"]},
            timeout=5,
        )
    finally:
        process.terminate()
        process.communicate(timeout=20)

    assert unauthorized.status_code == 401
    assert authorized.status_code == 200


def test_python_dash_m_reports_a_busy_port(conductor_server: InMemoryConductorServer):
    result = subprocess.run(
        [sys.executable, "-m", "conductor.client.testing", "--port", str(conductor_server.port)],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 1
    assert "cannot listen" in result.stderr


def test_stop_while_paused(task_type: str):
    before = len(_server_threads())
    server = InMemoryConductorServer().start()
    server.enqueue_task(task_type)
    server.pause()

    server.stop()

    assert len(_server_threads()) == before


def test_pytest_plugin_is_registered_by_entry_point():
    from importlib.metadata import entry_points

    found = entry_points()
    group = found.select(group="pytest11") if hasattr(found, "select") else found["pytest11"]
    plugins = {ep.name: ep.value for ep in group}

    assert plugins.get("conductor") == "conductor.client.testing.pytest_plugin"


def test_fixture_gives_a_running_server(conductor_server: InMemoryConductorServer):
    response = requests.get(conductor_server.url + "/metadata/taskdefs", timeout=5)

    assert response.status_code == 200
