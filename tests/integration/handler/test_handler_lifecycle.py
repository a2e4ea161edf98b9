"""Graceful stop, supervision (crash and wedge restarts) and status of a real TaskHandler."""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import Callable

import handler_workers
import pytest
from handler_support import all_alive, completed, output, pid_alive, status

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and POSIX signals"),
]

MakeHandler = Callable[..., TaskHandler]


def test_stop_with_a_task_in_flight_posts_its_result(
    server: InMemoryConductorServer, make_handler: MakeHandler, task_type: str
) -> None:
    handler = make_handler(Worker(task_type, handler_workers.sleepy))
    task_id = server.enqueue_task(task_type, {"seconds": 1.5})
    handler.start_processes()
    server.wait_for(lambda: status(server, task_id) == "IN_PROGRESS")

    handler.stop_processes()

    assert status(server, task_id) == "COMPLETED"
    assert output(server, task_id)["slept"] == 1.5
    process = handler.task_runner_processes[0]
    assert (process.is_alive(), process.exitcode) == (False, 0)
    assert not handler.is_healthy()
    handler.stop_processes()  # idempotent


def test_a_result_that_cannot_be_posted_is_given_up_within_the_grace_period(
    server: InMemoryConductorServer,
    make_handler: MakeHandler,
    task_type: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The child stops retrying at drain_deadline_s(10) = 5 s, so it exits by itself, cleanly,
    # before the parent's 10 s grace period would terminate it.
    handler = make_handler(Worker(task_type, handler_workers.sleepy), stop_grace_seconds=10)
    task_id = server.enqueue_task(task_type, {"seconds": 0.5})
    handler.start_processes()
    server.wait_for(lambda: status(server, task_id) == "IN_PROGRESS", timeout=30)
    for endpoint in ("update_task_v2", "update_task"):
        server.fail_next(endpoint, 10_000, status=503)

    with caplog.at_level(logging.INFO):
        handler.stop_processes()

    process = handler.task_runner_processes[0]
    assert (process.is_alive(), process.exitcode) == (False, 0)
    assert status(server, task_id) == "IN_PROGRESS"
    assert f"Giving up on the result of task {task_id}" in caplog.text
    assert "still running" not in caplog.text  # not terminated at the end of the grace period


def test_stop_before_start_and_with_block_failing_early(configuration: object) -> None:
    handler = TaskHandler([], configuration, scan_for_annotated_workers=False)
    handler.stop_processes()
    handler.stop_processes()
    with pytest.raises(KeyError), TaskHandler([], configuration, scan_for_annotated_workers=False):
        raise KeyError("before start")
    assert handler.task_runner_processes == []
    assert handler.get_worker_process_status() == []


def test_start_twice_is_harmless_and_start_after_stop_is_an_error(
    server: InMemoryConductorServer, make_handler: MakeHandler, task_type: str
) -> None:
    handler = make_handler(Worker(task_type, handler_workers.whoami))
    handler.start_processes()
    handler.start_processes()
    assert len(handler.task_runner_processes) == 1
    handler.stop_processes()
    with pytest.raises(RuntimeError, match="stopped"):
        handler.start_processes()


def test_killed_worker_is_restarted_and_the_others_keep_running(
    server: InMemoryConductorServer,
    make_handler: MakeHandler,
    task_type: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = make_handler(
        [
            Worker(f"{task_type}_a", handler_workers.whoami),
            Worker(f"{task_type}_b", handler_workers.whoami),
        ],
        restart_backoff_seconds=0.1,
    )
    handler.start_processes()
    first = [server.enqueue_task(f"{task_type}_a"), server.enqueue_task(f"{task_type}_b")]
    server.wait_for(completed(server, first))
    pid_a, pid_b = (output(server, task_id)["pid"] for task_id in first)
    assert handler.is_healthy()

    os.kill(pid_a, signal.SIGKILL)
    server.wait_for(
        lambda: handler.get_worker_process_status()[0]["restart_count"] == 1 and all_alive(handler)
    )

    again = [server.enqueue_task(f"{task_type}_a"), server.enqueue_task(f"{task_type}_b")]
    server.wait_for(completed(server, again))
    new_pid_a, same_pid_b = (output(server, task_id)["pid"] for task_id in again)
    assert new_pid_a != pid_a
    assert new_pid_a == handler.task_runner_processes[0].pid
    assert same_pid_b == pid_b
    assert handler.get_worker_process_status()[1]["restart_count"] == 0
    assert handler.is_healthy()
    assert any(
        r.levelno == logging.ERROR and "killed by signal SIGKILL" in r.getMessage()
        for r in caplog.records
    )


def test_wedged_worker_is_killed_and_restarted(
    server: InMemoryConductorServer,
    make_handler: MakeHandler,
    task_type: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = make_handler(
        Worker(task_type, handler_workers.maybe_wedge),
        restart_backoff_seconds=0.1,
        wedge_timeout_seconds=3.0,
    )
    handler.start_processes()
    first_pid = handler.task_runner_processes[0].pid
    server.wait_for(lambda: handler._slots[0].heartbeat.value > 0)  # supervision is armed

    wedged_id = server.enqueue_task(task_type, {"wedge": True})
    server.wait_for(lambda: status(server, wedged_id) == "IN_PROGRESS")
    server.wait_for(
        lambda: handler.get_worker_process_status()[0]["restart_count"] == 1 and all_alive(handler),
        timeout=30,
    )
    healthy_id = server.enqueue_task(task_type, {"wedge": False})
    server.wait_for(completed(server, [healthy_id]))

    assert output(server, healthy_id)["pid"] == handler.task_runner_processes[0].pid != first_pid
    assert not pid_alive(first_pid)
    assert any("is wedged" in r.getMessage() for r in caplog.records)
