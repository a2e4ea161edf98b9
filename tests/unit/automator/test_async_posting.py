"""Results of async workers posted on the event loop: ``UpdateSender.post_async`` against the
local server, and a ``TaskRunner`` with an ``async def`` worker end to end.

``run_blocking`` is played by :class:`Blocking`, which records what it ran: a connection being
opened (it returns a socket) or a whole post handed to a thread.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any, Callable, TypeVar, cast
from unittest import mock

import pytest
from test_task_runner_support import (
    all_status,
    make_runner,
    new_task_type,
    quick_backoff,
    running,
    wait_until,
)

from conductor.client.automator._runner_async import MAX_POST_THREADS, AsyncExecutor
from conductor.client.automator._runner_state import StopState
from conductor.client.automator._runner_update import UpdateSender
from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.configuration.settings.authentication_settings import (
    AuthenticationSettings,
)
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import Task, TaskResult
from conductor.client.http.rest import ApiException
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker
from loop_support import Blocking, run

__all__ = ["quick_backoff"]

T = TypeVar("T")

WORKER_ID = "posting-worker"
SHORT_POLL_MS = 200


# -- helpers ---------------------------------------------------------------------------------


class FakeMetrics:
    """Records the update hooks a MetricsCollector gets."""

    def __init__(self) -> None:
        self.update_times: list[tuple[str, float]] = []
        self.update_errors: list[tuple[str, Any]] = []

    def record_task_update_time(self, task_type: str, seconds: float) -> None:
        self.update_times.append((task_type, seconds))

    def increment_task_update_error(self, task_type: str, exception: Any) -> None:
        self.update_errors.append((task_type, exception))


class Posting:
    """An UpdateSender on the local server, with the tasks it posts results for."""

    def __init__(self, server: InMemoryConductorServer, blocking: Blocking) -> None:
        self.server = server
        self.blocking = blocking
        self.client = ApiClient(Configuration(server_api_url=server.url, max_retries=0))
        self.api = TaskResourceApi(self.client)
        self.stop = StopState()
        self.metrics = FakeMetrics()
        self.sender = UpdateSender(self.api, self.stop, cast(Any, self.metrics))
        self.task_type = new_task_type()

    def enqueue(self, count: int) -> list[str]:
        return [self.server.enqueue_task(self.task_type, {"i": i}) for i in range(count)]

    def poll(self) -> Task:
        """Poll one task with the sender's client (which builds its connection pool)."""
        task = self.api.poll(self.task_type, workerid=WORKER_ID)
        assert task is not None
        return task

    def post(self, task: Task, result: TaskResult | None = None) -> Task | None:
        sent = result_for(task) if result is None else result
        return run(self.sender.post_async(sent, self.task_type, self.blocking))

    def counts(self) -> dict[str, int]:
        return self.server.request_counts

    def status(self, task: Task | str) -> str:
        task_id = task if isinstance(task, str) else str(task.task_id)
        return str(self.server.get_task(task_id)["status"])

    def close(self) -> None:
        self.client.close()


def result_for(task: Task) -> TaskResult:
    result = TaskResult(
        workflow_instance_id=task.workflow_instance_id,
        task_id=task.task_id,
        status="COMPLETED",
        worker_id=WORKER_ID,
    )
    return result.add_output_data("posted", True)


@pytest.fixture
def blocking() -> Iterator[Blocking]:
    runner = Blocking()
    yield runner
    runner.close()


@pytest.fixture
def posting(conductor_server: InMemoryConductorServer, blocking: Blocking) -> Iterator[Posting]:
    setup = Posting(conductor_server, blocking)
    yield setup
    setup.close()


# -- UpdateSender.post_async ------------------------------------------------------------------


def test_post_async_returns_the_next_task_and_chains(posting: Posting) -> None:
    first_id, second_id = posting.enqueue(2)
    first = posting.poll()
    posting.server.reset_request_counts()

    second = posting.post(first)
    after = posting.post(second) if second is not None else "missing"

    assert first.task_id == first_id
    assert isinstance(second, Task)
    assert (second.task_id, second.status, second.input_data) == (
        second_id,
        "IN_PROGRESS",
        {"i": 1},
    )
    assert second.worker_id == WORKER_ID
    assert after is None
    assert posting.counts() == {"update_task_v2": 2}
    assert posting.status(first_id) == posting.status(second_id) == "COMPLETED"
    assert posting.server.get_task(first_id)["outputData"] == {"posted": True}
    assert posting.blocking.calls == 0  # awaited on the loop
    assert posting.sender.use_v2


@pytest.mark.parametrize("status", [404, 405])
def test_update_v2_missing_switches_to_v1_for_good(posting: Posting, status: int) -> None:
    ids = posting.enqueue(3)
    tasks = [posting.poll() for _ in ids]
    posting.server.reset_request_counts()
    posting.server.fail_next("update_task_v2", 1, status=status)

    first = posting.post(tasks[0])
    switched = posting.sender.use_v2
    rest = [posting.post(task) for task in tasks[1:]]

    assert first is None
    assert switched is False
    assert rest == [None, None]
    assert posting.counts() == {"update_task_v2": 1, "update_task": 3}
    assert all(posting.status(task_id) == "COMPLETED" for task_id in ids)
    assert posting.blocking.calls == 3  # the v1 posts are blocking calls in a thread
    assert [type(error) for _, error in posting.metrics.update_errors] == []
    assert len(posting.metrics.update_times) == 3


def test_unknown_task_on_v2_and_v1_raises_and_keeps_v2(posting: Posting) -> None:
    (task_id,) = posting.enqueue(1)
    task = posting.poll()
    unknown = result_for(task)
    unknown.task_id = "no-such-task"
    posting.server.reset_request_counts()

    with pytest.raises(ApiException) as caught:
        posting.post(task, unknown)

    assert caught.value.status == 404
    assert posting.sender.use_v2  # v1 said the task is unknown: update-v2 exists
    assert posting.counts() == {"update_task_v2": 1, "update_task": 1}
    assert posting.metrics.update_errors == [(posting.task_type, caught.value)]
    assert posting.status(task_id) == "IN_PROGRESS"


def test_after_stop_results_go_to_v1(posting: Posting) -> None:
    first_id, _ = posting.enqueue(2)
    first = posting.poll()
    posting.server.reset_request_counts()
    posting.stop.requested = True

    handed_out = posting.post(first)

    assert handed_out is None  # v1 hands out no next task, so nothing new starts
    assert posting.counts() == {"update_task": 1}
    assert posting.status(first_id) == "COMPLETED"
    assert posting.server.queue_size(posting.task_type) == 1
    assert posting.blocking.calls == 1
    assert posting.sender.use_v2  # only this runner stopping, not the server lacking v2


def test_update_task_v2_replaced_on_the_class_is_called(posting: Posting) -> None:
    first_id, second_id = posting.enqueue(2)
    first = posting.poll()

    with mock.patch.object(
        TaskResourceApi,
        "update_task_v2",
        autospec=True,
        side_effect=TaskResourceApi.update_task_v2,
    ) as double:
        second = posting.post(first)

    assert double.call_count == 1
    assert double.call_args.kwargs["body"] == result_for(first)
    assert second is not None
    assert second.task_id == second_id
    assert posting.blocking.calls == 1
    assert posting.status(first_id) == "COMPLETED"


def test_update_task_v2_replaced_on_the_instance_is_called(posting: Posting) -> None:
    (task_id,) = posting.enqueue(1)
    task = posting.poll()
    posting.server.reset_request_counts()

    with mock.patch.object(posting.api, "update_task_v2", return_value=None) as double:
        handed_out = posting.post(task)

    assert handed_out is None
    assert double.call_count == 1
    assert double.call_args.kwargs["body"] == result_for(task)
    assert posting.counts() == {}  # the double answered; nothing reached the server
    assert posting.blocking.calls == 1
    assert posting.status(task_id) == "IN_PROGRESS"


def test_update_task_v2_double_raising_is_an_update_error(posting: Posting) -> None:
    (task_id,) = posting.enqueue(1)
    task = posting.poll()
    failure = ApiException(status=503, reason="double says no")

    with (
        mock.patch.object(posting.api, "update_task_v2", side_effect=failure),
        pytest.raises(ApiException) as caught,
    ):
        posting.post(task)

    assert caught.value is failure
    assert posting.metrics.update_errors == [(posting.task_type, failure)]
    assert posting.status(task_id) == "IN_PROGRESS"


def test_metrics_hooks_on_success_and_on_error(posting: Posting) -> None:
    (task_id,) = posting.enqueue(1)
    task = posting.poll()
    posting.server.fail_next("update_task_v2", 1, status=500)

    with pytest.raises(ApiException) as caught:
        posting.post(task)
    errors_after_failure = list(posting.metrics.update_errors)
    times_after_failure = list(posting.metrics.update_times)
    posting.post(task)

    assert caught.value.status == 500
    assert "Injected failure" in str(caught.value)
    assert errors_after_failure == [(posting.task_type, caught.value)]
    assert times_after_failure == []
    assert [name for name, _ in posting.metrics.update_times] == [posting.task_type]
    assert all(seconds >= 0 for _, seconds in posting.metrics.update_times)
    assert len(posting.metrics.update_errors) == 1
    assert posting.sender.use_v2
    assert posting.status(task_id) == "COMPLETED"
    assert posting.blocking.calls == 0


def test_transport_failure_is_an_update_error(posting: Posting) -> None:
    posting.enqueue(1)
    task = posting.poll()
    posting.server.fail_next("update_task_v2", 1, drop=True)

    with pytest.raises(ApiException) as caught:
        posting.post(task)

    assert caught.value.status == 0
    assert posting.metrics.update_errors == [(posting.task_type, caught.value)]
    assert posting.sender.use_v2


# -- TaskRunner with an async worker, end to end -----------------------------------------------


class ThreadWatch:
    """What an async worker sees: the threads alive and the thread it runs on."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.running_on: set[str] = set()

    async def __call__(self, task: Task) -> dict[str, Any]:
        self.names.update(thread.name for thread in threading.enumerate())
        self.running_on.add(threading.current_thread().name)
        await asyncio.sleep(0)
        return {"doubled": task.input_data["i"] * 2}


@pytest.fixture
def run_blocking_kinds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the runner's event loop hands to its posting threads (``connect`` or ``call``)."""
    kinds: list[str] = []
    original = AsyncExecutor._run_blocking

    def spy(self: AsyncExecutor, function: Callable[[], T]) -> asyncio.Future[T]:
        def recorded() -> T:
            result = function()
            kinds.append("connect" if isinstance(result, socket.socket) else "call")
            return result

        return original(self, recorded)

    monkeypatch.setattr(AsyncExecutor, "_run_blocking", spy)
    return kinds


def run_to_completion(
    server: InMemoryConductorServer, runner: TaskRunner, ids: list[str], watch: ThreadWatch
) -> None:
    with running(runner):
        wait_until(lambda: all_status(server, ids, "COMPLETED"), 20)
        watch.names.update(thread.name for thread in threading.enumerate())


def test_async_worker_posts_with_update_v2_on_its_loop(
    conductor_server: InMemoryConductorServer, run_blocking_kinds: list[str]
) -> None:
    name, count, slots = new_task_type(), 24, 4
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(count)]
    watch = ThreadWatch()
    worker = Worker(name, watch, thread_count=slots, poll_timeout=SHORT_POLL_MS)
    before = {thread.name for thread in threading.enumerate()}

    run_to_completion(conductor_server, make_runner(conductor_server, worker), ids, watch)

    counts = conductor_server.request_counts
    assert counts["update_task_v2"] == count
    assert "update_task" not in counts
    outputs = [conductor_server.get_task(task_id)["outputData"] for task_id in ids]
    assert outputs == [{"doubled": 2 * i} for i in range(count)]
    assert len(watch.running_on) == 1  # every coroutine ran on the one loop thread
    new_threads = watch.names - before
    assert [n for n in new_threads if n.startswith("asyncio_")] == []  # no default executor
    assert len([n for n in new_threads if "-post" in n]) <= MAX_POST_THREADS
    assert len(new_threads) < count  # no thread per task
    # Results were awaited natively: the posting threads only opened connections.
    assert "call" not in run_blocking_kinds
    assert len(run_blocking_kinds) <= slots + 1


@pytest.mark.usefixtures("quick_backoff")
def test_async_worker_retries_failed_posts(
    conductor_server: InMemoryConductorServer, run_blocking_kinds: list[str]
) -> None:
    name, count = new_task_type(), 6
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(count)]
    conductor_server.fail_next("update_task_v2", 2, status=500)
    watch = ThreadWatch()
    worker = Worker(name, watch, thread_count=2, poll_timeout=SHORT_POLL_MS)

    run_to_completion(conductor_server, make_runner(conductor_server, worker), ids, watch)

    counts = conductor_server.request_counts
    assert counts["update_task_v2"] == count + 2
    assert "update_task" not in counts
    assert "call" not in run_blocking_kinds


def test_async_worker_switches_to_v1_when_the_server_lacks_update_v2(
    conductor_server: InMemoryConductorServer, run_blocking_kinds: list[str]
) -> None:
    name, count = new_task_type(), 8
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(count)]
    conductor_server.fail_next("update_task_v2", 1, status=404)
    watch = ThreadWatch()
    worker = Worker(name, watch, thread_count=3, poll_timeout=SHORT_POLL_MS)
    runner = make_runner(conductor_server, worker)

    run_to_completion(conductor_server, runner, ids, watch)

    counts = conductor_server.request_counts
    # Each result was delivered once: by update-v2, or by v1 after the one 404.
    assert counts["update_task_v2"] - 1 + counts.get("update_task", 0) == count
    assert counts.get("update_task", 0) >= 1
    assert run_blocking_kinds.count("call") == counts.get("update_task", 0)


def test_async_worker_with_auth_posts_with_one_token(run_blocking_kinds: list[str]) -> None:
    with InMemoryConductorServer(auth_key_id="id", auth_key_secret="secret") as server:
        name, count = new_task_type(), 6
        ids = [server.enqueue_task(name, {"i": i}) for i in range(count)]
        configuration = Configuration(
            server_api_url=server.url,
            authentication_settings=AuthenticationSettings(key_id="id", key_secret="secret"),
        )
        watch = ThreadWatch()
        worker = Worker(name, watch, thread_count=2, poll_timeout=SHORT_POLL_MS)

        run_to_completion(server, TaskRunner(worker, configuration), ids, watch)

        counts = server.request_counts
    assert counts["token"] == 1  # fetched by the first poll, then shared with the loop
    assert counts["update_task_v2"] == count
    assert "call" not in run_blocking_kinds
