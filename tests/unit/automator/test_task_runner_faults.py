"""TaskRunner against a misbehaving server: unreadable replies, wrong shapes, non-HTTP bytes."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from test_task_runner_support import new_task_type, quick_backoff, running, wait_until

from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker import Worker

__all__ = ["quick_backoff"]


class ScriptedServer(ThreadingHTTPServer):
    """Answers polls and updates according to ``poll_mode`` / ``update_mode``."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.poll_mode = "garbage"
        self.update_mode = "empty"
        self.pending: list[dict[str, Any]] = []
        self.polls = 0
        self.updates: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api"


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        server = self.server
        with server.lock:
            server.polls += 1
            mode = server.poll_mode
            tasks, server.pending = (server.pending, []) if mode == "ok" else ([], server.pending)
        if mode == "garbage":
            self._reply(200, b"<html>this is not json")
        elif mode == "truncated":
            self._reply(200, b'[{"taskId": "t1", "inputData": {')
        elif mode == "wrong_shape":
            self._reply(200, b'{"unexpected": "object instead of a list"}')
        elif mode == "not_http":
            self.wfile.write(b"\x00\x01garbage that is not HTTP\r\n\r\n")
            self.close_connection = True
        else:
            self._reply(200, json.dumps(tasks).encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        server = self.server
        with server.lock:
            server.updates.append(body)
            mode = server.update_mode
        if self.path.endswith("/token"):
            self._reply(404, b'{"message": "no auth"}')
        elif mode == "garbage":
            self._reply(200, b"{{{ not json")
        else:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _runner(server: ScriptedServer, name: str, executed: list[str]) -> TaskRunner:
    worker = Worker(name, lambda task: executed.append(task.task_id), poll_timeout=100)
    return TaskRunner(worker, Configuration(server_api_url=server.url, max_retries=0))


def _task(name: str, task_id: str) -> dict[str, Any]:
    return {"taskId": task_id, "workflowInstanceId": "wf-1", "taskType": name, "inputData": {}}


@pytest.mark.usefixtures("quick_backoff")
@pytest.mark.parametrize("mode", ["garbage", "truncated", "wrong_shape", "not_http"])
def test_malformed_poll_replies_are_logged_backed_off_and_survived(
    scripted: ScriptedServer, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    executed: list[str] = []
    scripted.poll_mode = mode
    runner = _runner(scripted, name, executed)
    with caplog.at_level(logging.INFO), running(runner):
        wait_until(lambda: scripted.polls >= 4)  # still polling after failures
        with scripted.lock:
            scripted.pending = [_task(name, "t-ok")]
            scripted.poll_mode = "ok"
        wait_until(lambda: any(u.get("taskId") == "t-ok" for u in scripted.updates))
    assert executed == ["t-ok"]
    ours = [r for r in caplog.records if r.name.startswith("conductor.client.automator")]
    problems = [r for r in ours if r.levelno >= logging.WARNING]
    assert len(problems) == 1  # once per streak, not once per attempt
    assert any("works again" in r.getMessage() for r in ours)


def test_a_malformed_update_v2_reply_counts_as_delivered(
    scripted: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    executed: list[str] = []
    scripted.poll_mode = "ok"
    scripted.update_mode = "garbage"
    scripted.pending = [_task(name, "t-1")]
    runner = _runner(scripted, name, executed)
    with running(runner):
        wait_until(lambda: len(scripted.updates) >= 1)
        wait_until(lambda: scripted.polls >= 3)  # the loop went on polling
    assert executed == ["t-1"]
    assert [u["taskId"] for u in scripted.updates] == ["t-1"]  # posted once, not retried
    assert "accepted the result of task t-1" in caplog.text
