"""@worker_task / @WorkerTask: registration, parameter units, the DSL call, the registry."""

from __future__ import annotations

import importlib
import logging
import sys
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from conductor.client.http.models.task import Task
from conductor.client.http.models.task_def import TaskDef
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker import _registry
from conductor.client.worker._execution import execute_task
from conductor.client.worker._registry import (
    _decorated_functions,
    register_decorated_fn,
    registered_workers,
)
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_task import WorkerTask, worker_task
from conductor.client.workflow.task.simple_task import SimpleTask


@pytest.fixture(autouse=True)
def isolated_registry() -> Iterator[None]:
    """Each test starts with an empty registry; the session's entries come back afterwards."""
    saved = dict(_decorated_functions)
    _decorated_functions.clear()
    yield
    _decorated_functions.clear()
    _decorated_functions.update(saved)


@pytest.fixture
def sample_decorated() -> ModuleType:
    sys.modules.pop("sample_decorated", None)
    return importlib.import_module("sample_decorated")


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def only_worker() -> Worker:
    workers = registered_workers()
    assert len(workers) == 1
    return workers[0]


def test_importing_a_module_registers_its_decorated_worker(sample_decorated: ModuleType) -> None:
    worker = only_worker()

    assert worker.get_task_definition_name() == sample_decorated.DECORATED_TASK
    assert worker.poll_interval == 250
    assert worker.thread_count == 2
    assert worker.execute_function is sample_decorated.decorated_double.__wrapped__


def test_decorated_function_stays_a_plain_function(sample_decorated: ModuleType) -> None:
    assert sample_decorated.decorated_double(4) == {"doubled": 8}
    assert sample_decorated.decorated_double(value=5) == {"doubled": 10}
    assert sample_decorated.decorated_double.__name__ == "decorated_double"


def test_registered_worker_executes_with_bound_inputs(sample_decorated: ModuleType) -> None:
    task = Task(task_id="t", workflow_instance_id="w", input_data={"value": "21"})

    result = execute_task(only_worker(), task)

    assert result.status == TaskResultStatus.COMPLETED
    assert result.output_data == {"doubled": 42}


def test_task_ref_name_call_builds_a_simple_task(sample_decorated: ModuleType) -> None:
    task = sample_decorated.decorated_double(
        task_ref_name="double_ref", value="${workflow.input.v}"
    )

    assert isinstance(task, SimpleTask)
    assert task.name == sample_decorated.DECORATED_TASK
    assert task.task_reference_name == "double_ref"
    assert task.input_parameters == {"value": "${workflow.input.v}"}


def test_task_ref_name_call_rejects_positional_inputs(sample_decorated: ModuleType) -> None:
    with pytest.raises(TypeError, match="keyword arguments only"):
        sample_decorated.decorated_double(1, task_ref_name="r")


def test_worker_task_parameters_and_units() -> None:
    name = unique("wt")

    @worker_task(
        task_definition_name=name,
        poll_interval_millis=750,
        domain="blue",
        worker_id="wid",
        thread_count=3,
        register_task_def=True,
        poll_timeout=400,
        lease_extend_enabled=True,
        execution_timeout_seconds=12.5,
    )
    def fn(x: int) -> int:
        return x

    record = _decorated_functions[(name, "blue")]
    assert record["func"] is fn.__wrapped__  # type: ignore[attr-defined]
    assert (record["poll_interval"], record["domain"], record["worker_id"]) == (750, "blue", "wid")
    worker = only_worker()
    assert worker.poll_interval == 750
    assert worker.get_polling_interval_in_seconds() == 0.75
    assert (worker.get_domain(), worker.get_identity()) == ("blue", "wid")
    assert (worker.thread_count, worker.poll_timeout) == (3, 400)
    assert worker.register_task_def is True
    assert worker.lease_extend_enabled is True
    assert worker.execution_timeout_seconds == 12.5


def test_worker_task_defaults() -> None:
    name = unique("wt_default")

    @worker_task(task_definition_name=name)
    def fn(task: Task) -> None:
        return None

    worker = only_worker()
    assert worker.poll_interval == 100
    assert worker.get_domain() is None
    assert (worker.thread_count, worker.poll_timeout) == (1, None)  # None: the runtime default
    assert worker.execution_timeout_seconds is None


def test_decorators_pass_poll_timeout_and_registration_options_through() -> None:
    template = TaskDef(retry_count=5)

    @WorkerTask(task_definition_name=unique("WT"), poll_timeout=100, register_task_def=True)
    def classic(task: Task) -> None:
        return None

    @worker_task(
        task_definition_name=unique("wt"),
        register_task_def=True,
        task_def=template,
        overwrite_task_def=False,
    )
    def modern(task: Task) -> None:
        return None

    first, second = registered_workers()
    assert (first.poll_timeout, first.register_task_def, first.overwrite_task_def) == (
        100,
        True,
        True,
    )
    assert second.poll_timeout is None
    assert (second.register_task_def, second.overwrite_task_def) == (True, False)
    assert second.task_def_template is template


def test_decorator_class_style_poll_interval_is_milliseconds() -> None:
    @WorkerTask(task_definition_name=unique("WT"), poll_interval=250, domain="cool")
    def fn(input):  # type: ignore[no-untyped-def]  # as written in the seeds
        return {"message": "python is so cool :)"}

    worker = only_worker()
    assert worker.poll_interval == 250
    assert worker.get_polling_interval_in_seconds() == 0.25
    assert worker.get_domain() == "cool"


def test_decorator_class_style_poll_interval_seconds_replaces_poll_interval() -> None:
    @WorkerTask(task_definition_name=unique("WT"), poll_interval=250, poll_interval_seconds=2)
    def fn(input):  # type: ignore[no-untyped-def]
        return None

    worker = only_worker()
    assert worker.poll_interval == 2000
    assert worker.get_polling_interval_in_seconds() == 2.0


def test_decorator_class_style_seed_usage_executes() -> None:
    @WorkerTask(
        task_definition_name=unique("python_annotated_task"),
        domain="cool",
        worker_id="decorated",
        poll_interval=2.0,
    )
    def python_annotated_task(input) -> object:  # type: ignore[no-untyped-def]
        return {"message": "python is so cool :)"}

    worker = only_worker()
    result = execute_task(worker, Task(task_id="t", input_data={}))

    assert worker.poll_interval == 2.0
    assert result.worker_id == "decorated"
    assert result.output_data == {"message": "python is so cool :)"}


def test_sub_millisecond_decorator_interval_warns_exactly_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = unique("seconds_meant")
    with caplog.at_level(logging.WARNING):

        @WorkerTask(task_definition_name=name, poll_interval=0.5)
        def fn(task: Task) -> None:
            return None

        workers = registered_workers() + registered_workers()

    assert [w.poll_interval for w in workers] == [0.5, 0.5]
    warnings = [r for r in caplog.records if "below 1 ms" in r.getMessage()]
    assert len(warnings) == 1
    assert name in warnings[0].getMessage()


def test_registry_is_keyed_by_name_and_domain() -> None:
    name = unique("keyed")

    @worker_task(task_definition_name=name, domain="a")
    def in_a(task: Task) -> str:
        return "a"

    @worker_task(task_definition_name=name, domain="b")
    def in_b(task: Task) -> str:
        return "b"

    @worker_task(task_definition_name=name, domain="a", poll_interval_millis=900)
    def in_a_again(task: Task) -> str:
        return "a2"

    workers = registered_workers()
    assert sorted((w.get_domain(), w.poll_interval) for w in workers) == [("a", 900), ("b", 100)]
    by_domain = {w.get_domain(): w for w in workers}
    assert by_domain["a"].execute_function is in_a_again.__wrapped__  # type: ignore[attr-defined]


def test_registered_workers_are_fresh_objects() -> None:
    @worker_task(task_definition_name=unique("fresh"))
    def fn(task: Task) -> None:
        return None

    first, second = registered_workers()[0], registered_workers()[0]
    first.poll_interval = 5000
    first.domain = "changed"

    assert first is not second
    assert (second.poll_interval, second.get_domain()) == (100, None)
    assert registered_workers()[0].poll_interval == 100


def test_register_decorated_fn_directly_with_extra_options(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fn(task: Task) -> None:
        return None

    with caplog.at_level(logging.WARNING):
        register_decorated_fn(
            "direct", 300, None, None, fn, thread_count=5, task_options={"ignored": True}
        )

    worker = only_worker()
    assert (worker.poll_interval, worker.thread_count) == (300, 5)
    assert any("task_options" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("name", ["", None, ["a", "b"]])
def test_register_rejects_bad_names(name: Any) -> None:
    with pytest.raises(TypeError, match="non-empty string"):
        register_decorated_fn(name, 100, None, None, lambda task: None)


def test_register_rejects_non_callables() -> None:
    with pytest.raises(TypeError, match="callable"):
        register_decorated_fn("x", 100, None, None, "nope")  # type: ignore[arg-type]


def test_worker_given_the_decorated_wrapper_unwraps_it(sample_decorated: ModuleType) -> None:
    worker = Worker("explicit", sample_decorated.decorated_double)

    assert worker.execute_function is sample_decorated.decorated_double.__wrapped__


def test_registry_module_does_not_import_the_automator() -> None:
    source = importlib.util.find_spec(_registry.__name__).origin  # type: ignore[union-attr]
    with open(source, encoding="utf-8") as handle:  # type: ignore[arg-type]
        assert "automator" not in "".join(
            line for line in handle if line.startswith(("import", "from"))
        )
