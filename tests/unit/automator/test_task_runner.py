"""TaskRunner against the in-memory server: polling, slots, update-v2, pause, names, failures."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from test_task_runner_support import (
    QUICK,
    CallSpy,
    Gate,
    Heartbeats,
    all_status,
    make_runner,
    new_task_type,
    quick_backoff,
    running,
    status_of,
    wait_until,
)

from conductor.client.automator import task_runner
from conductor.client.automator._config_values import DEFAULT_LONG_POLL_MS
from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.telemetry.metrics_collector import exception_label
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import WorkerInterface

__all__ = ["quick_backoff"]  # the fixture, re-exported for pytest

SHORT_POLL_MS = 200  # keeps stop() quick: an in-flight long poll is allowed to finish


def echo(task: Task) -> dict[str, Any]:
    return {"echo": task.input_data, "thread": threading.current_thread().name}


# --- construction -------------------------------------------------------------------------------


def test_a_non_worker_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="WorkerInterface"):
        TaskRunner(lambda task: None)  # type: ignore[arg-type]


def test_a_bad_configuration_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="Configuration"):
        TaskRunner(Worker("t", echo), configuration="http://x")  # type: ignore[arg-type]


def test_construction_sends_no_request(conductor_server: InMemoryConductorServer) -> None:
    runner = make_runner(conductor_server, Worker(new_task_type(), echo))
    assert conductor_server.request_counts == {}
    assert runner.configuration.host == conductor_server.url
    assert runner.metrics_collector is None
    assert runner.heartbeat is None
    assert runner.task_client.api_client.configuration is runner.configuration


def test_construction_applies_the_worker_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    name = new_task_type()
    monkeypatch.setenv(f"conductor.worker.{name}.thread_count", "7")
    worker = Worker(name, echo)
    runner = TaskRunner(worker, Configuration(server_api_url="http://127.0.0.1:9/api"))
    assert worker.thread_count == 7
    assert runner.worker_config.sources["thread_count"].startswith("env")


# --- run_once and run ---------------------------------------------------------------------------


def test_run_once_polls_executes_and_posts(conductor_server: InMemoryConductorServer) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name, {"x": 1})
    with make_runner(conductor_server, Worker(name, echo, poll_timeout=SHORT_POLL_MS)) as runner:
        runner.run_once()
        task = conductor_server.get_task(task_id)
    assert task["status"] == "COMPLETED"
    assert task["outputData"]["echo"] == {"x": 1}


def test_run_once_on_an_empty_queue_returns(conductor_server: InMemoryConductorServer) -> None:
    with make_runner(
        conductor_server, Worker(new_task_type(), echo, poll_timeout=SHORT_POLL_MS)
    ) as runner:
        runner.run_once()
    assert conductor_server.request_counts["batch_poll"] == 1


def test_update_v2_chains_the_next_task_in_the_same_slot(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(20)]
    runner = make_runner(conductor_server, Worker(name, echo, poll_timeout=SHORT_POLL_MS))
    with running(runner):
        wait_until(lambda: all_status(conductor_server, ids, "COMPLETED"))
    counts = conductor_server.request_counts
    assert counts["update_task_v2"] == 20
    assert "update_task" not in counts
    assert counts["batch_poll"] < 20  # the others came back with the updates
    threads = {conductor_server.get_task(i)["outputData"]["thread"] for i in ids}
    assert len(threads) == 1


@pytest.mark.parametrize("status", [404, 405])
def test_update_v2_missing_falls_back_to_v1_for_good(
    conductor_server: InMemoryConductorServer, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    conductor_server.fail_next("update_task_v2", 1, status=status)
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(5)]
    runner = make_runner(conductor_server, Worker(name, echo, poll_timeout=SHORT_POLL_MS))
    with caplog.at_level(logging.INFO), running(runner):
        wait_until(lambda: all_status(conductor_server, ids, "COMPLETED"))
    counts = conductor_server.request_counts
    assert counts["update_task_v2"] == 1
    assert counts["update_task"] == 5
    assert caplog.text.count("POST /tasks from now on") == 1


# --- slots and polling --------------------------------------------------------------------------


def test_slots_cap_concurrency_and_no_poll_happens_when_full(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    gate = Gate()
    worker = Worker(name, lambda task: gate.wait(), thread_count=3, poll_timeout=SHORT_POLL_MS)
    runner = make_runner(conductor_server, worker)
    beats = Heartbeats()
    runner.heartbeat = beats
    ids = [conductor_server.enqueue_task(name, {"i": i}) for i in range(8)]
    busy = lambda: runner._parts.slots.busy if runner._parts else 0  # noqa: E731
    spy = CallSpy(runner.task_client, "batch_poll", before=busy)
    with running(runner):
        wait_until(lambda: gate.running == 3)
        polls_when_full = len(spy.calls)
        beats.wait_for_more(3)  # the loop is alive (and waiting), yet it does not poll
        assert len(spy.calls) == polls_when_full
        gate.open()
        wait_until(lambda: all_status(conductor_server, ids, "COMPLETED"))
    assert gate.max_running == 3
    for call in spy.calls:
        assert call["before"] < 3
        assert call["count"] == 3 - call["before"]


def test_a_long_poll_in_flight_picks_up_a_new_task(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    runner = make_runner(conductor_server, Worker(name, echo, poll_timeout=5000))
    spy = CallSpy(runner.task_client, "batch_poll")
    with running(runner):
        wait_until(lambda: conductor_server.request_counts.get("batch_poll", 0) >= 1)
        task_id = conductor_server.enqueue_task(name, {"late": True})
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
        runner.stop()
        # The next long poll is in flight; a task ends it at once, and is run before run() ends.
        wait_until(lambda: conductor_server.request_counts["batch_poll"] >= 2)
        last = conductor_server.enqueue_task(name)
    first = spy.calls[0]
    assert first["timeout"] == 5000
    assert [t.task_id for t in first["result"]] == [task_id]  # no second poll was needed
    assert status_of(conductor_server, last) == "COMPLETED"


def test_the_default_long_poll_wait_is_sent(conductor_server: InMemoryConductorServer) -> None:
    name = new_task_type()
    conductor_server.enqueue_task(name)
    runner = make_runner(conductor_server, Worker(name, echo))
    spy = CallSpy(runner.task_client, "batch_poll")
    with runner:
        runner.run_once()
    assert spy.calls[0]["timeout"] == DEFAULT_LONG_POLL_MS


@pytest.mark.parametrize("source", ["constructor", "env"])
def test_an_explicit_poll_timeout_of_100_is_sent_as_given(
    conductor_server: InMemoryConductorServer, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    name = new_task_type()
    conductor_server.enqueue_task(name)
    if source == "env":
        monkeypatch.setenv("CONDUCTOR_WORKER_ALL_POLL_TIMEOUT", "100")
        worker = Worker(name, echo)
    else:
        worker = Worker(name, echo, poll_timeout=100)
    runner = make_runner(conductor_server, worker)
    spy = CallSpy(runner.task_client, "batch_poll")
    with runner:
        runner.run_once()
    assert spy.calls[0]["timeout"] == 100


# --- pause, names, identity ---------------------------------------------------------------------


class PausableWorker(WorkerInterface):
    """A classic class worker that overrides paused()."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.poll_timeout = SHORT_POLL_MS
        self.hold = True

    def paused(self) -> bool:
        return self.hold

    def execute(self, task: Task) -> TaskResult:
        result = self.get_task_result_from_task(task)
        result.add_output_data("ran", True)
        return result


def test_an_overridden_paused_method_is_honoured(
    conductor_server: InMemoryConductorServer,
) -> None:
    worker = PausableWorker(new_task_type())
    task_id = conductor_server.enqueue_task(worker.get_task_definition_name())
    runner = make_runner(conductor_server, worker)
    beats = Heartbeats()
    runner.heartbeat = beats
    with running(runner):
        beats.wait_for_more(3)
        assert conductor_server.request_counts.get("batch_poll", 0) == 0
        worker.hold = False
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
    assert conductor_server.get_task(task_id)["outputData"] == {"ran": True}


def test_paused_from_the_environment_keeps_the_worker_from_polling(
    conductor_server: InMemoryConductorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = new_task_type()
    monkeypatch.setenv(f"conductor.worker.{name}.paused", "true")
    runner = make_runner(conductor_server, Worker(name, echo))
    beats = Heartbeats()
    runner.heartbeat = beats
    with running(runner):
        beats.wait_for_more(3)
    assert conductor_server.request_counts.get("batch_poll", 0) == 0


def test_task_names_are_polled_round_robin(conductor_server: InMemoryConductorServer) -> None:
    first, second = new_task_type(), new_task_type()
    ids = [conductor_server.enqueue_task(first), conductor_server.enqueue_task(second)]
    runner = make_runner(conductor_server, Worker([first, second], echo, poll_timeout=150))
    spy = CallSpy(runner.task_client, "batch_poll")
    with running(runner):
        wait_until(lambda: all_status(conductor_server, ids, "COMPLETED"))
        wait_until(lambda: len(spy.calls) >= 4)
    names = [call["args"][0] for call in spy.calls]
    assert names[:4] == [first, second, first, second]


def test_worker_id_and_domain_are_sent(conductor_server: InMemoryConductorServer) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name, domain="blue")
    worker = Worker(name, echo, domain="blue", worker_id="worker-7", poll_timeout=SHORT_POLL_MS)
    runner = make_runner(conductor_server, worker)
    with running(runner):
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
    assert conductor_server.get_task(task_id)["workerId"] == "worker-7"
    poll_data = runner.task_client.get_poll_data(name)
    assert [(p.domain, p.worker_id) for p in poll_data] == [("blue", "worker-7")]


class FlakyPausedWorker(PausableWorker):
    """paused() raises a few times: the loop must log it and carry on."""

    def __init__(self, name: str, failures: int) -> None:
        super().__init__(name)
        self.hold = False
        self.failures = failures

    def paused(self) -> bool:
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("paused() is broken")
        return False


def test_an_error_in_the_loop_is_logged_and_the_loop_continues(
    conductor_server: InMemoryConductorServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(task_runner, "LOOP_ERROR_BACKOFF", QUICK)
    worker = FlakyPausedWorker(new_task_type(), failures=2)
    task_id = conductor_server.enqueue_task(worker.get_task_definition_name())
    beats = Heartbeats()
    runner = make_runner(conductor_server, worker)
    runner.heartbeat = beats
    with running(runner):
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
        beats.wait_for_more(1)
    errors = [r for r in caplog.records if "Unexpected error in the loop" in r.getMessage()]
    assert len(errors) == 2
    assert all(r.exc_info is not None for r in errors)


def test_a_failing_heartbeat_hook_is_logged_once(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def hook() -> None:
        calls.append(1)
        raise OSError("shared memory gone")

    runner = make_runner(conductor_server, Worker(new_task_type(), echo, poll_timeout=100))
    runner.heartbeat = hook
    with running(runner):
        wait_until(lambda: len(calls) >= 3)
    assert caplog.text.count("heartbeat hook failed") == 1


# --- what a worker returns ----------------------------------------------------------------------


class GarbageWorker(WorkerInterface):
    """A class worker whose execute returns something that is not a TaskResult."""

    def execute(self, task: Task) -> TaskResult:
        return object()  # type: ignore[return-value]


def _raise(task: Task) -> None:
    raise ValueError("boom from the worker")


def _unserialisable(task: Task) -> object:
    return {"value": object()}


@pytest.mark.parametrize(
    ("make", "reason_part"),
    [
        (lambda name: Worker(name, _raise, poll_timeout=SHORT_POLL_MS), "boom from the worker"),
        (lambda name: Worker(name, _unserialisable, poll_timeout=SHORT_POLL_MS), "output"),
        (lambda name: GarbageWorker(name), ""),
    ],
)
def test_a_failing_or_garbage_returning_worker_fails_the_task(
    conductor_server: InMemoryConductorServer, make: Any, reason_part: str
) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name, retry_count=0)
    with make_runner(conductor_server, make(name)) as runner:
        runner.run_once()
    task = conductor_server.get_task(task_id)
    assert task["status"] == "FAILED"
    assert reason_part in task["reasonForIncompletion"]
    assert task["reasonForIncompletion"]


# --- update retries -----------------------------------------------------------------------------


@pytest.mark.usefixtures("quick_backoff")
@pytest.mark.parametrize("fault", [{"status": 503}, {"drop": True}, {"after_processing": True}])
def test_an_update_failing_n_times_then_succeeding_completes_once(
    conductor_server: InMemoryConductorServer, fault: dict[str, Any]
) -> None:
    name = new_task_type()
    executions: list[str] = []
    task_id = conductor_server.enqueue_task(name)
    conductor_server.fail_next("update_task_v2", 3, **fault)
    worker = Worker(name, lambda task: executions.append(task.task_id), poll_timeout=SHORT_POLL_MS)
    with make_runner(conductor_server, worker) as runner:
        runner.run_once()
    assert status_of(conductor_server, task_id) == "COMPLETED"
    assert executions == [task_id]
    assert conductor_server.request_counts["update_task_v2"] == 4


def test_an_update_rejected_for_good_is_not_retried(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name)
    conductor_server.fail_next("update_task_v2", 1, status=400)
    with make_runner(conductor_server, Worker(name, echo, poll_timeout=SHORT_POLL_MS)) as runner:
        runner.run_once()
    assert conductor_server.request_counts["update_task_v2"] == 1
    assert "update_task" not in conductor_server.request_counts
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any(task_id in message and "rejected" in message for message in errors)


@pytest.mark.usefixtures("quick_backoff")
def test_poll_errors_back_off_and_recover(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name)
    conductor_server.fail_next("batch_poll", 2, status=503)
    conductor_server.fail_next("batch_poll", 2, drop=True)
    worker = Worker(name, echo, poll_timeout=SHORT_POLL_MS)
    # Without HTTP-level retries, every failure reaches the runner.
    runner = TaskRunner(worker, Configuration(server_api_url=conductor_server.url, max_retries=0))
    with caplog.at_level(logging.INFO), running(runner):
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
    assert conductor_server.request_counts["batch_poll"] >= 5
    ours = [r for r in caplog.records if r.name.startswith("conductor.client.automator")]
    warnings = [r.getMessage() for r in ours if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once for the whole streak
    assert "503" in warnings[0]
    assert "works again after 4 failed attempts" in caplog.text


@pytest.mark.usefixtures("quick_backoff")
def test_auth_failures_are_clear_and_back_off(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name)
    conductor_server.fail_next(
        "batch_poll", 3, status=403, body={"error": "ACCESS_DENIED", "message": "no access"}
    )
    runner = make_runner(conductor_server, Worker(name, echo, poll_timeout=SHORT_POLL_MS))
    with running(runner):
        wait_until(lambda: status_of(conductor_server, task_id) == "COMPLETED")
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "403" in errors[0]
    assert "ACCESS_DENIED" in errors[0]


@pytest.mark.usefixtures("quick_backoff")
def test_a_rejected_key_is_reported_without_the_secret(caplog: pytest.LogCaptureFixture) -> None:
    from conductor.client.configuration.settings.authentication_settings import (
        AuthenticationSettings,
    )

    with InMemoryConductorServer(auth_key_id="key", auth_key_secret="right") as server:
        name = new_task_type()
        configuration = Configuration(
            server_api_url=server.url,
            authentication_settings=AuthenticationSettings("key", "wrong-secret-value"),
        )
        runner = TaskRunner(Worker(name, echo, poll_timeout=SHORT_POLL_MS), configuration)
        with runner:
            runner.run_once()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors
    assert "401" in errors[0].getMessage() or "403" in errors[0].getMessage()
    assert "wrong-secret-value" not in caplog.text


# --- metrics ------------------------------------------------------------------------------------


class RecordingMetrics:
    """Stands in for MetricsCollector: records every call by method name."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        if not name.startswith(("increment_", "record_")):
            raise AttributeError(name)
        return lambda *args: self.calls.append((name, args))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.mark.usefixtures("quick_backoff")
def test_metrics_are_recorded_at_each_step(conductor_server: InMemoryConductorServer) -> None:
    name = new_task_type()
    ok = conductor_server.enqueue_task(name, {"fail": False}, retry_count=0)
    conductor_server.fail_next("update_task_v2", 1, status=503)
    runner = make_runner(conductor_server, Worker(name, echo, poll_timeout=SHORT_POLL_MS))
    metrics = RecordingMetrics()
    runner.metrics_collector = metrics  # type: ignore[assignment]
    with runner:
        runner.run_once()
    assert status_of(conductor_server, ok) == "COMPLETED"
    names = metrics.names()
    for expected in (
        "increment_task_poll",
        "record_task_poll_time",
        "increment_task_execution",
        "record_task_execute_time",
        "record_task_result_payload_size",
        "increment_task_update_error",
        "record_task_update_time",
    ):
        assert expected in names
    assert all(args[0] == name for _, args in metrics.calls)
    (error_args,) = [args for n, args in metrics.calls if n == "increment_task_update_error"]
    assert type(error_args[1]).__name__ == "ApiException"


async def _raise_async(task: Task) -> None:
    raise KeyError("async boom")


def _return_failed(task: Task) -> TaskResult:
    return TaskResult(status="FAILED", reason_for_incompletion="declined")


@pytest.mark.parametrize(
    ("function", "label"),
    [
        (_raise, "ValueError"),
        (_raise_async, "KeyError"),
        (_unserialisable, "OutputSerializationError"),
        (_return_failed, None),  # a result the worker chose to fail is not an execution error
    ],
)
def test_the_execution_error_metric_is_labelled_with_the_exception_class(
    conductor_server: InMemoryConductorServer, function: Any, label: str | None
) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name, retry_count=0)
    runner = make_runner(conductor_server, Worker(name, function, poll_timeout=SHORT_POLL_MS))
    metrics = RecordingMetrics()
    runner.metrics_collector = metrics  # type: ignore[assignment]
    with runner:
        runner.run_once()
    assert status_of(conductor_server, task_id) == "FAILED"
    errors = [args for n, args in metrics.calls if n == "increment_task_execution_error"]
    assert [(args[0], exception_label(args[1])) for args in errors] == (
        [(name, label)] if label else []
    )


def test_an_execution_over_its_time_limit_is_labelled_timeout_error(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name, retry_count=0)
    gate = threading.Event()
    worker = Worker(
        name, lambda task: gate.wait(), execution_timeout_seconds=0.2, poll_timeout=SHORT_POLL_MS
    )
    runner = make_runner(conductor_server, worker)
    metrics = RecordingMetrics()
    runner.metrics_collector = metrics  # type: ignore[assignment]
    try:
        with runner:
            runner.run_once()
    finally:
        gate.set()
    assert status_of(conductor_server, task_id) == "FAILED"
    errors = [args for n, args in metrics.calls if n == "increment_task_execution_error"]
    assert [exception_label(args[1]) for args in errors] == ["TimeoutError"]


def test_real_metrics_collector_is_built_lazily(tmp_path: Any) -> None:
    from conductor.client.configuration.settings.metrics_settings import MetricsSettings

    runner = TaskRunner(
        Worker(new_task_type(), echo),
        Configuration(server_api_url="http://127.0.0.1:9/api"),
        MetricsSettings(directory=str(tmp_path)),
    )
    assert type(runner.metrics_collector).__name__ == "MetricsCollector"
