"""TaskRunner concurrency: async workers, execution time limits, lease extension, drain on stop."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import pytest
from test_task_runner_support import (
    Gate,
    all_status,
    make_runner,
    new_task_type,
    quick_backoff,
    running,
    status_of,
    wait_until,
)

from conductor.client.automator._lease import LEASE_EXTEND_FRACTION, lease_keeper
from conductor.client.automator._runner_async import MAX_POST_THREADS
from conductor.client.http.models.task import Task
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker

__all__ = ["quick_backoff"]

SHORT_POLL_MS = 200


# --- async workers ------------------------------------------------------------------------------


class AsyncProbe:
    """Coroutines that wait until ``expected`` of them run at once, recording their threads."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.running = 0
        self.max_running = 0
        self.threads: set[int] = set()
        self.all_in: asyncio.Event | None = None

    async def __call__(self, task: Task) -> dict[str, Any]:
        if self.all_in is None:
            self.all_in = asyncio.Event()
        self.threads.add(threading.get_ident())
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        if self.running >= self.expected:
            self.all_in.set()
        try:
            await asyncio.wait_for(self.all_in.wait(), timeout=20)
        finally:
            self.running -= 1
        return {"overlapped": True}


def test_async_worker_runs_thread_count_coroutines_on_one_loop(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    probe = AsyncProbe(expected=20)
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(40)]
    worker = Worker(name, probe, thread_count=20, poll_timeout=SHORT_POLL_MS)
    runner = make_runner(conductor_server, worker)
    threads_before = threading.active_count()
    with running(runner):
        wait_until(lambda: all_status(conductor_server, ids, "COMPLETED"), 20)
        threads_during = threading.active_count()
    assert probe.max_running == 20
    assert len(probe.threads) == 1  # every coroutine ran on the one event loop thread
    # run() + watchdog + event loop + a few posting threads: not a thread per task
    assert threads_during - threads_before <= 3 + MAX_POST_THREADS < 20


async def _sleepy(task: Task) -> dict[str, Any]:
    await asyncio.sleep(float(task.input_data.get("sleep", 0)))
    return {"slept": task.input_data.get("sleep", 0)}


def test_async_worker_drains_in_flight_coroutines_on_stop(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    ids = [conductor_server.enqueue_task(name, {"sleep": 0.5}) for _ in range(4)]
    runner = make_runner(
        conductor_server, Worker(name, _sleepy, thread_count=4, poll_timeout=SHORT_POLL_MS)
    )
    with running(runner):
        wait_until(lambda: all_status(conductor_server, ids, "IN_PROGRESS"))
        runner.stop()
    assert all_status(conductor_server, ids, "COMPLETED")


# --- execution time limit -----------------------------------------------------------------------


def test_thread_worker_past_its_time_limit_is_failed_and_its_slot_freed(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    gate = Gate()
    returned = threading.Event()

    def work(task: Task) -> dict[str, Any]:
        if task.input_data.get("stuck"):
            gate.wait()
            returned.set()
        return {"done": True}

    stuck = conductor_server.enqueue_task(name, {"stuck": True}, retry_count=0)
    worker = Worker(
        name, work, thread_count=1, execution_timeout_seconds=0.3, poll_timeout=SHORT_POLL_MS
    )
    runner = make_runner(conductor_server, worker)
    with running(runner):
        wait_until(lambda: status_of(conductor_server, stuck) == "FAILED")
        # Its only slot is free again while the user code is still blocked.
        quick = conductor_server.enqueue_task(name, {"stuck": False})
        wait_until(lambda: status_of(conductor_server, quick) == "COMPLETED")
        assert gate.running == 1
        gate.open()
        assert returned.wait(10)
        wait_until(lambda: "discarded" in caplog.text)
    task = conductor_server.get_task(stuck)
    assert task["status"] == "FAILED"  # the late return value did not overwrite it
    assert task["reasonForIncompletion"] == "execution exceeded 0.3 s"


def test_async_worker_past_its_time_limit_is_cancelled(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    cancelled = threading.Event()

    async def work(task: Task) -> dict[str, Any]:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return {}

    task_id = conductor_server.enqueue_task(name, retry_count=0)
    worker = Worker(name, work, execution_timeout_seconds=0.2, poll_timeout=SHORT_POLL_MS)
    with running(make_runner(conductor_server, worker)):
        wait_until(lambda: status_of(conductor_server, task_id) == "FAILED")
        assert cancelled.wait(10)
    assert conductor_server.get_task(task_id)["reasonForIncompletion"] == (
        "execution exceeded 0.2 s"
    )


# --- lease extension ----------------------------------------------------------------------------


def test_lease_heartbeats_keep_a_long_task_alive_and_stop_when_it_ends(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    conductor_server.register_task_def(name, response_timeout_seconds=2, retry_count=0)
    gate = Gate()
    task_id = conductor_server.enqueue_task(name)
    worker = Worker(
        name, lambda task: gate.wait(), lease_extend_enabled=True, poll_timeout=SHORT_POLL_MS
    )
    beats = lambda: conductor_server.request_counts.get("update_task", 0)  # noqa: E731
    with running(make_runner(conductor_server, worker)):
        # Two heartbeats take the task past its 2 s response timeout, and it is still running.
        wait_until(lambda: beats() >= 2, 15)
        assert status_of(conductor_server, task_id) == "IN_PROGRESS"
        gate.open()
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
        sent = beats()
        assert lease_keeper().active == 0
        # Watch for longer than one heartbeat interval: nothing more goes out for this task.
        time.sleep(2 * LEASE_EXTEND_FRACTION + 0.4)
        assert beats() == sent
    assert status_of(conductor_server, task_id) == "COMPLETED"


def test_no_heartbeats_without_lease_extension(conductor_server: InMemoryConductorServer) -> None:
    name = new_task_type()
    conductor_server.register_task_def(name, response_timeout_seconds=1, retry_count=0)
    task_id = conductor_server.enqueue_task(name)
    worker = Worker(name, lambda task: time.sleep(0.9) or {}, poll_timeout=SHORT_POLL_MS)
    with running(make_runner(conductor_server, worker)):
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
    assert "update_task" not in conductor_server.request_counts


# --- stop and drain -----------------------------------------------------------------------------


def test_stop_drains_every_task_in_flight(conductor_server: InMemoryConductorServer) -> None:
    name = new_task_type()
    gate = Gate()
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(5)]
    worker = Worker(name, lambda task: gate.wait(), thread_count=5, poll_timeout=SHORT_POLL_MS)
    runner = make_runner(conductor_server, worker)
    with running(runner) as thread:
        wait_until(lambda: gate.running == 5)
        runner.stop()
        wait_until(lambda: runner._stop.stopping)
        late = conductor_server.enqueue_task(name)  # not polled: the runner is stopping
        assert thread.is_alive()  # still waiting for the tasks in flight
        gate.open()
        thread.join(30)
        assert not thread.is_alive()
    assert all_status(conductor_server, ids, "COMPLETED")
    assert status_of(conductor_server, late) == "SCHEDULED"


@pytest.mark.usefixtures("quick_backoff")
def test_drain_retries_results_only_until_the_drain_deadline(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    gate = Gate()
    task_id = conductor_server.enqueue_task(name)
    worker = Worker(name, lambda task: gate.wait(), poll_timeout=SHORT_POLL_MS)
    runner = make_runner(conductor_server, worker, drain_deadline_s=0.3)
    with running(runner) as thread:
        wait_until(lambda: gate.running == 1)
        conductor_server.fail_next("update_task", 10_000, status=503)
        runner.stop()
        gate.open()
        thread.join(30)
    assert status_of(conductor_server, task_id) == "IN_PROGRESS"
    assert "update_task_v2" not in conductor_server.request_counts  # v1 while draining
    drops = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(task_id in message and "Giving up" in message for message in drops)
