"""WorkerInterface defaults, round-robin names, poll-interval units and the Worker constructor."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest

from conductor.client.automator.worker_config import apply_worker_config, resolve_worker_config
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import (
    DEFAULT_POLLING_INTERVAL,
    WorkerAbc,
    WorkerInterface,
)

WARNING_TEXT = "below 1 ms"


class SimplePythonWorker(WorkerInterface):
    """Seed 000/002 class worker: only ``execute`` and the polling interval."""

    def execute(self, task: Task) -> TaskResult:
        task_result = self.get_task_result_from_task(task)
        task_result.add_output_data("worker_style", "class")
        task_result.status = TaskResultStatus.COMPLETED
        return task_result

    def get_polling_interval_in_seconds(self) -> float:
        return 0.5


class NoSuperInitWorker(WorkerInterface):
    """A subclass with its own constructor that forgets ``super().__init__``."""

    def __init__(self, name: str) -> None:
        self.task_definition_name = name

    def execute(self, task: Task) -> TaskResult:
        return self.get_task_result_from_task(task)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sub_ms_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if WARNING_TEXT in r.getMessage()]


def test_default_polling_interval_is_100_ms() -> None:
    assert DEFAULT_POLLING_INTERVAL == 100


def test_seed_class_worker_has_every_default() -> None:
    worker = SimplePythonWorker(task_definition_name="python_task_example")

    assert worker.get_task_definition_name() == "python_task_example"
    assert worker.task_definition_names == ["python_task_example"]
    assert worker.get_identity() == socket.gethostname()
    assert worker.get_polling_interval_in_seconds() == 0.5
    assert worker.poll_interval == 100
    assert worker.domain is None
    assert worker.get_domain() is None
    assert worker.paused() is False
    assert (worker.thread_count, worker.poll_timeout) == (1, None)
    assert worker.lease_extend_enabled is False
    assert worker.register_task_def is False
    assert worker.execution_timeout_seconds is None


def test_seed_class_worker_executes_with_its_own_result() -> None:
    worker = SimplePythonWorker(task_definition_name="python_task_example")
    task = Task(task_id="t1", workflow_instance_id="wf1")

    result = worker.execute(task)

    assert (result.task_id, result.workflow_instance_id) == ("t1", "wf1")
    assert result.worker_id == socket.gethostname()
    assert result.output_data == {"worker_style": "class"}


def test_worker_abc_is_the_swift_name_of_the_interface() -> None:
    assert WorkerAbc is WorkerInterface


def test_interface_cannot_be_instantiated_without_execute() -> None:
    with pytest.raises(TypeError):
        WorkerInterface("x")  # type: ignore[abstract]


def test_subclass_without_super_init_still_has_defaults() -> None:
    worker = NoSuperInitWorker("lonely")

    assert worker.get_task_definition_name() == "lonely"
    assert worker.poll_interval == 100
    assert worker.get_polling_interval_in_seconds() == 0.1
    assert worker.paused() is False
    assert worker.thread_count == 1
    assert worker.domain is None


def test_domain_and_poll_interval_setters() -> None:
    worker = SimplePythonWorker("x")
    worker.domain = "cool"
    worker.poll_interval = 250

    assert worker.get_domain() == "cool"
    assert worker.poll_interval == 250


def test_poll_interval_zero_falls_back_to_default_in_seconds() -> None:
    worker = Worker("x", lambda task: None, poll_interval=0)

    assert worker.poll_interval == 0
    assert worker.get_polling_interval_in_seconds() == 0.1


def test_paused_flag_drives_paused_method() -> None:
    worker = SimplePythonWorker("x")
    worker._paused = True

    assert worker.paused() is True
    assert Worker("y", lambda task: None, paused=True).paused() is True


def test_round_robin_over_a_list_of_names() -> None:
    worker = SimplePythonWorker(task_definition_name=["a", "b", "c"])
    seen = []
    for _ in range(4):
        first = worker.get_task_definition_name()
        assert worker.get_task_definition_name() == first  # cached until cleared
        seen.append(first)
        worker.clear_task_definition_name_cache()

    assert seen == ["a", "b", "c", "a"]
    assert worker.task_definition_names == ["a", "b", "c"]


def test_compute_task_definition_name_advances_directly() -> None:
    worker = SimplePythonWorker(task_definition_name=["a", "b"])

    assert [worker.compute_task_definition_name() for _ in range(3)] == ["a", "b", "a"]
    assert SimplePythonWorker("solo").compute_task_definition_name() == "solo"


def test_task_definition_names_is_a_copy() -> None:
    worker = SimplePythonWorker(task_definition_name=["a", "b"])
    worker.task_definition_names.append("c")

    assert worker.task_definition_names == ["a", "b"]


def test_empty_name_list_is_a_clear_error() -> None:
    worker = SimplePythonWorker(task_definition_name=[])

    with pytest.raises(ValueError, match="empty list"):
        worker.get_task_definition_name()


def test_get_task_result_from_task_addresses_and_signs() -> None:
    worker = Worker("x", lambda task: None, worker_id="me")

    result = worker.get_task_result_from_task(Task(task_id="t", workflow_instance_id="w"))

    assert (result.task_id, result.workflow_instance_id, result.worker_id) == ("t", "w", "me")
    assert result.status is None


def test_worker_constructor_defaults() -> None:
    worker = Worker("x", lambda task: None)

    assert worker.poll_interval == DEFAULT_POLLING_INTERVAL
    assert worker.domain is None
    assert worker.worker_id == socket.gethostname()
    assert worker.get_identity() == socket.gethostname()
    assert (worker.thread_count, worker.poll_timeout) == (1, None)
    assert worker.register_task_def is False
    assert worker.lease_extend_enabled is False
    assert worker.paused() is False
    assert worker.execution_timeout_seconds is None


def test_worker_constructor_stores_every_option() -> None:
    worker = Worker(
        task_definition_name="x",
        execute_function=lambda task: None,
        poll_interval=250,
        domain="test",
        worker_id="w-1",
        thread_count=4,
        register_task_def=True,
        poll_timeout=500,
        lease_extend_enabled=True,
        paused=True,
        execution_timeout_seconds=2.5,
    )

    assert worker.poll_interval == 250
    assert worker.get_polling_interval_in_seconds() == 0.25
    assert worker.get_domain() == "test"
    assert worker.get_identity() == "w-1"
    assert (worker.thread_count, worker.poll_timeout) == (4, 500)
    assert worker.register_task_def is True
    assert worker.lease_extend_enabled is True
    assert worker.paused() is True
    assert worker.execution_timeout_seconds == 2.5


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("thread_count", 0),
        ("thread_count", 1.5),
        ("poll_timeout", -1),
        ("execution_timeout_seconds", 0),
        ("execution_timeout_seconds", "10"),
        ("poll_interval", -5),
    ],
)
def test_worker_rejects_bad_numbers(option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        Worker("x", lambda task: None, **{option: value})  # type: ignore[arg-type]


def test_worker_rejects_non_numeric_poll_interval() -> None:
    with pytest.raises(TypeError, match="milliseconds"):
        Worker("x", lambda task: None, poll_interval="250")  # type: ignore[arg-type]


def test_worker_rejects_non_callable_function() -> None:
    with pytest.raises(TypeError, match="callable"):
        Worker("x", "not a function")  # type: ignore[arg-type]


def test_sub_millisecond_interval_warns_once_and_is_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = unique("seconds-meant")
    with caplog.at_level(logging.WARNING):
        worker = Worker(name, lambda task: None, poll_interval=0.25)
        worker.poll_interval = 0.25
        Worker(name, lambda task: None, poll_interval=0.25)

    assert worker.poll_interval == 0.25
    assert worker.get_polling_interval_in_seconds() == 0.00025
    warnings = sub_ms_warnings(caplog)
    assert len(warnings) == 1
    assert name in warnings[0].getMessage()


def test_sub_millisecond_interval_warns_through_the_setter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = SimplePythonWorker(unique("class-worker"))
    with caplog.at_level(logging.WARNING):
        worker.poll_interval = 0.5

    assert worker.poll_interval == 0.5
    assert len(sub_ms_warnings(caplog)) == 1


def test_whole_millisecond_intervals_do_not_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        Worker(unique("fine"), lambda task: None, poll_interval=1)
        Worker(unique("fine"), lambda task: None, poll_interval=0)

    assert sub_ms_warnings(caplog) == []


def test_class_worker_reports_the_configured_worker_id() -> None:
    class Plain(WorkerInterface):
        def execute(self, task: Task) -> TaskResult:
            return self.get_task_result_from_task(task)

    worker = Plain("identity_task")
    assert worker.get_identity() == socket.gethostname()
    environ = {"conductor_worker_identity_task_worker_id": "box-7"}
    apply_worker_config(worker, resolve_worker_config(worker, environ=environ))
    assert worker.get_identity() == "box-7"
    assert worker.get_task_result_from_task(Task(task_id="t")).worker_id == "box-7"
