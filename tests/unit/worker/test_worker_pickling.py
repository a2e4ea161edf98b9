"""Workers cross to spawned children by reference: function, class and decorated workers."""

from __future__ import annotations

import functools
import importlib
import multiprocessing
import pickle
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
import sample_workers

from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker._execution import execute_task
from conductor.client.worker._registry import (
    _decorated_functions,
    ensure_picklable,
    registered_workers,
)
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import WorkerInterface


@pytest.fixture
def sample_decorated() -> Iterator[ModuleType]:
    saved = dict(_decorated_functions)
    _decorated_functions.clear()
    sys.modules.pop("sample_decorated", None)
    yield importlib.import_module("sample_decorated")
    _decorated_functions.clear()
    _decorated_functions.update(saved)


def make_task(input_data: dict[str, object]) -> Task:
    return Task(task_id="t-1", workflow_instance_id="wf-1", input_data=input_data)


def roundtrip(worker: object) -> object:
    return pickle.loads(pickle.dumps(worker))


def test_function_worker_pickles_by_reference() -> None:
    worker = Worker("fn", sample_workers.add_numbers, poll_interval=300, domain="d")
    worker.binding_plan()  # built state is dropped, not pickled

    copy = roundtrip(worker)

    assert isinstance(copy, Worker)
    assert copy.execute_function is sample_workers.add_numbers
    assert (copy.poll_interval, copy.get_domain()) == (300, "d")
    assert execute_task(copy, make_task({"a": 1, "b": 2})).output_data == {"result": 3}


def test_decorated_worker_pickles_to_the_undecorated_function(
    sample_decorated: ModuleType,
) -> None:
    (worker,) = registered_workers()

    copy = roundtrip(worker)

    assert copy.execute_function is sample_decorated.decorated_double.__wrapped__
    assert roundtrip(sample_decorated.decorated_double) is sample_decorated.decorated_double


def test_other_callables_pickle_as_themselves() -> None:
    worker = Worker("p", functools.partial(sample_workers.add_numbers, b=5))

    copy = roundtrip(worker)

    assert execute_task(copy, make_task({"a": 1})).output_data == {"result": 6}


def test_lambda_worker_is_rejected_naming_it() -> None:
    worker = Worker("lambda_task", lambda task: None)

    with pytest.raises(pickle.PicklingError, match="lambda_task") as info:
        ensure_picklable(worker)
    assert "<lambda>" in str(info.value)
    assert "module level" in str(info.value)


def test_nested_function_worker_is_rejected_naming_it() -> None:
    def nested(task: Task) -> None:
        return None

    with pytest.raises(pickle.PicklingError, match="nested"):
        ensure_picklable(Worker("nested_task", nested))


def test_local_class_worker_is_rejected_naming_it() -> None:
    class LocalWorker(WorkerInterface):
        def execute(self, task: Task) -> None:  # type: ignore[override]
            return None

    with pytest.raises(pickle.PicklingError, match="LocalWorker"):
        ensure_picklable(LocalWorker("local_task"))


def test_module_level_workers_pass_the_check(sample_decorated: ModuleType) -> None:
    ensure_picklable(Worker("fn", sample_workers.add_numbers))
    ensure_picklable(sample_workers.ClassWorker("cls"))
    ensure_picklable(registered_workers()[0])


def test_each_kind_of_worker_runs_in_a_spawned_child(sample_decorated: ModuleType) -> None:
    (decorated,) = registered_workers()
    workers = [
        Worker("fn", sample_workers.add_numbers),
        sample_workers.ClassWorker("cls"),
        decorated,
        Worker("async", sample_workers.async_greet),
    ]
    tasks = [
        make_task({"a": "2", "b": 3}),
        make_task({"k": "v"}),
        make_task({"value": 21}),
        make_task({"name": "child"}),
    ]
    for worker in workers:
        ensure_picklable(worker)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(
        target=sample_workers.execute_in_child, args=(workers, tasks, results), daemon=True
    )
    child.start()
    try:
        outcomes, undecorated = results.get(timeout=60)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
            child.join()

    assert child.exitcode == 0
    assert [r.status for r in outcomes] == [TaskResultStatus.COMPLETED] * 4
    assert [r.output_data for r in outcomes] == [
        {"result": 5},
        {"worker_style": "class", "input": {"k": "v"}},
        {"doubled": 42},
        {"greeting": "Hello, child"},
    ]
    assert [entry.log for entry in outcomes[3].logs] == ["greeting child"]
    assert undecorated == [False, False, True, False]
