"""TaskRunner end to end: a server outage mid-run, and SIGTERM with tasks in flight."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import pytest

from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.models.task import Task
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker

pytestmark = pytest.mark.integration

CHILD = os.path.join(os.path.dirname(__file__), "runner_child.py")


def _statuses(server: InMemoryConductorServer, ids: list[str]) -> collections.Counter[str]:
    return collections.Counter(server.get_task(task_id)["status"] for task_id in ids)


def test_a_server_outage_mid_run_loses_nothing_and_repeats_nothing(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = f"outage_{uuid.uuid4().hex[:8]}"
    executions: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def work(task: Task) -> dict[str, Any]:
        with lock:
            executions[task.task_id] += 1
        time.sleep(0.02)
        return {"ok": True}

    ids = [conductor_server.enqueue_task(name, {"i": i}, retry_count=0) for i in range(60)]
    worker = Worker(name, work, thread_count=4, poll_timeout=500)
    runner = TaskRunner(worker, Configuration(server_api_url=conductor_server.url))
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    try:
        conductor_server.wait_for(lambda: _statuses(conductor_server, ids)["COMPLETED"] >= 10)
        conductor_server.pause()
        time.sleep(5.0)  # the outage itself
        conductor_server.resume()
        conductor_server.wait_for(
            lambda: _statuses(conductor_server, ids)["COMPLETED"] == len(ids), timeout=60
        )
    finally:
        runner.stop()
        thread.join(30)
    assert not thread.is_alive()
    assert set(executions) == set(ids)
    assert set(executions.values()) == {1}  # every task ran exactly once
    assert all(conductor_server.get_task(task_id)["pollCount"] == 1 for task_id in ids)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM semantics")
def test_sigterm_posts_the_results_of_every_task_in_flight(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = f"drain_{uuid.uuid4().hex[:8]}"
    ids = [conductor_server.enqueue_task(name, {"sleep": 1.5}) for _ in range(3)]
    child = subprocess.Popen(
        [sys.executable, CHILD, conductor_server.url, name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        conductor_server.wait_for(lambda: _statuses(conductor_server, ids)["IN_PROGRESS"] == 3)
        late = conductor_server.enqueue_task(name, {"sleep": 0})
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, stderr
    assert _statuses(conductor_server, ids) == {"COMPLETED": 3}
    assert conductor_server.get_task(late)["status"] == "SCHEDULED"  # no poll after SIGTERM
    assert "waiting for 3 task(s) in flight" in stderr
