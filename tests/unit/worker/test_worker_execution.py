"""The runtime's entry points: exceptions, TaskInProgress, async workers, never raising."""

from __future__ import annotations

import asyncio
import logging
import pickle
import threading
import time
from typing import Any

import pytest
import sample_workers

from conductor.client.context import TaskInProgress as ContextTaskInProgress
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker._execution import (
    MAX_REASON_LENGTH,
    Execution,
    execute_task,
    execute_task_async,
    is_async_worker,
    run_task,
    run_task_async,
)
from conductor.client.worker.exception import NonRetryableException, TaskInProgress
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import WorkerInterface


def make_task(input_data: dict[str, Any] | None = None) -> Task:
    return Task(
        task_id="t-1",
        workflow_instance_id="wf-1",
        task_type="exec",
        input_data=input_data if input_data is not None else {},
    )


class RaisingClassWorker(WorkerInterface):
    def execute(self, task: Task) -> TaskResult:
        raise RuntimeError("class worker broke")


class GarbageClassWorker(WorkerInterface):
    def __init__(self, value: Any) -> None:
        super().__init__("garbage")
        self.value = value

    def execute(self, task: Task) -> Any:
        return self.value


class AsyncClassWorker(WorkerInterface):
    async def execute(self, task: Task) -> TaskResult:  # type: ignore[override]
        await asyncio.sleep(0)
        result = self.get_task_result_from_task(task)
        result.status = TaskResultStatus.COMPLETED
        result.add_output_data("style", "async class")
        return result


class SyncOverrideWorker(Worker):
    """A Worker subclass overriding execute and delegating to the function."""

    def execute(self, task: Task) -> TaskResult:
        result = super().execute(task)
        result.add_output_data("wrapped", True)
        return result


class AsyncCallable:
    async def __call__(self, name: str) -> str:
        return name.upper()


# --- exceptions -------------------------------------------------------------------------


def test_exception_fails_the_task_with_message_and_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fn(task: Task) -> None:
        raise ValueError("the input was odd")

    before_ms = int(time.time() * 1000)
    with caplog.at_level(logging.ERROR):
        result = execute_task(Worker("exec", fn), make_task())

    assert result.status == TaskResultStatus.FAILED
    assert result.reason_for_incompletion == "the input was odd"
    assert len(result.logs) == 1
    entry = result.logs[0]
    assert "Traceback" in entry.log
    assert "ValueError: the input was odd" in entry.log
    assert entry.task_id == "t-1"
    assert before_ms <= entry.created_time <= int(time.time() * 1000)
    assert (result.task_id, result.workflow_instance_id) == ("t-1", "wf-1")
    failures = [r for r in caplog.records if r.exc_info]
    assert len(failures) == 1
    assert failures[0].task_id == "t-1"  # type: ignore[attr-defined]


def test_non_retryable_exception_fails_terminally() -> None:
    def fn(task: Task) -> None:
        raise NonRetryableException("card declined")

    result = execute_task(Worker("exec", fn), make_task())

    assert result.status == TaskResultStatus.FAILED_WITH_TERMINAL_ERROR
    assert result.reason_for_incompletion == "card declined"
    assert "NonRetryableException" in result.logs[0].log


def test_long_reason_is_cut_to_500_characters() -> None:
    def fn(task: Task) -> None:
        raise RuntimeError("x" * 2000)

    result = execute_task(Worker("exec", fn), make_task())

    assert len(result.reason_for_incompletion) == MAX_REASON_LENGTH == 500
    assert result.reason_for_incompletion.startswith("xxx")


def test_exception_without_message_uses_its_class_name() -> None:
    def fn(task: Task) -> None:
        raise KeyboardInterruptLike()

    result = execute_task(Worker("exec", fn), make_task())

    assert result.reason_for_incompletion == "KeyboardInterruptLike"


class KeyboardInterruptLike(Exception):
    pass


def test_class_worker_exception_fails_the_task() -> None:
    result = execute_task(RaisingClassWorker("exec"), make_task())

    assert result.status == TaskResultStatus.FAILED
    assert result.reason_for_incompletion == "class worker broke"


@pytest.mark.parametrize(
    ("value", "output"),
    [({"plain": "dict"}, {"plain": "dict"}), (None, {}), ("text", {"result": "text"})],
)
def test_class_worker_returning_other_values_follows_output_rules(
    value: Any, output: dict[str, Any]
) -> None:
    result = execute_task(GarbageClassWorker(value), make_task())

    assert result.status == TaskResultStatus.COMPLETED
    assert result.output_data == output
    assert result.task_id == "t-1"


def test_worker_execute_maps_exceptions_itself() -> None:
    def fn(task: Task) -> None:
        raise NonRetryableException("stop")

    result = Worker("exec", fn).execute(make_task())

    assert result.status == TaskResultStatus.FAILED_WITH_TERMINAL_ERROR


def test_worker_subclass_overriding_execute_is_called() -> None:
    worker = SyncOverrideWorker("exec", sample_workers.add_numbers)

    result = execute_task(worker, make_task({"a": 1, "b": 2}))

    assert result.output_data == {"result": 3, "wrapped": True}


def test_broken_task_still_gives_a_result() -> None:
    task = make_task()
    task.input_data = 5  # type: ignore[assignment]

    result = execute_task(Worker("exec", sample_workers.add_numbers), task)

    assert result.status == TaskResultStatus.FAILED
    assert result.task_id == "t-1"


def test_failing_get_identity_still_gives_a_result(caplog: pytest.LogCaptureFixture) -> None:
    class NoIdentity(GarbageClassWorker):
        def get_identity(self) -> str:
            raise OSError("no hostname")

    with caplog.at_level(logging.ERROR):
        result = execute_task(NoIdentity({"ok": 1}), make_task())

    assert result.status == TaskResultStatus.COMPLETED
    assert result.worker_id
    assert any("get_identity" in r.getMessage() for r in caplog.records)


# --- TaskInProgress ---------------------------------------------------------------------


def test_task_in_progress_returned() -> None:
    def fn(task: Task) -> TaskInProgress:
        return TaskInProgress(callback_after_seconds=30, output={"progress": 50})

    result = execute_task(Worker("exec", fn), make_task())

    assert result.status == TaskResultStatus.IN_PROGRESS
    assert result.callback_after_seconds == 30
    assert result.output_data == {"progress": 50}
    assert result.reason_for_incompletion is None


def test_task_in_progress_raised() -> None:
    def fn(job: str) -> dict[str, str]:
        raise TaskInProgress(callback_after_seconds=2.5)

    result = execute_task(Worker("exec", fn), make_task({"job": "j"}))

    assert result.status == TaskResultStatus.IN_PROGRESS
    assert result.callback_after_seconds == 3
    assert result.output_data == {}


def test_task_in_progress_defaults_and_validation() -> None:
    signal = TaskInProgress()

    assert (signal.callback_after_seconds, signal.output) == (60, {})
    assert isinstance(signal, Exception)
    assert ContextTaskInProgress is TaskInProgress
    with pytest.raises(ValueError, match="callback_after_seconds"):
        TaskInProgress(callback_after_seconds=-1)


def test_task_in_progress_pickles() -> None:
    copy = pickle.loads(pickle.dumps(TaskInProgress(5, {"a": 1})))

    assert (copy.callback_after_seconds, copy.output) == (5, {"a": 1})


def test_task_in_progress_with_unserialisable_output_fails() -> None:
    def fn(task: Task) -> TaskInProgress:
        return TaskInProgress(output={"x": object()})

    result = execute_task(Worker("exec", fn), make_task())

    assert result.status == TaskResultStatus.FAILED
    assert "output.x" in result.reason_for_incompletion


# --- async workers ----------------------------------------------------------------------


def test_is_async_worker() -> None:
    async def coroutine_fn(task: Task) -> None:
        return None

    assert is_async_worker(Worker("a", coroutine_fn))
    assert is_async_worker(Worker("a", AsyncCallable()))
    assert is_async_worker(AsyncClassWorker("a"))
    assert not is_async_worker(Worker("a", sample_workers.add_numbers))
    assert not is_async_worker(RaisingClassWorker("a"))


def test_async_function_on_the_event_loop() -> None:
    result = asyncio.run(
        execute_task_async(Worker("exec", sample_workers.async_greet), make_task({"name": "Ada"}))
    )

    assert result.status == TaskResultStatus.COMPLETED
    assert result.output_data == {"greeting": "Hello, Ada"}
    assert [entry.log for entry in result.logs] == ["greeting Ada"]


def test_async_function_through_the_sync_entry_point() -> None:
    result = execute_task(Worker("exec", sample_workers.async_greet), make_task({"name": "Bo"}))

    assert result.output_data == {"greeting": "Hello, Bo"}


def test_async_function_through_worker_execute_outside_a_loop() -> None:
    result = Worker("exec", sample_workers.async_greet).execute(make_task({"name": "Cy"}))

    assert result.status == TaskResultStatus.COMPLETED
    assert result.output_data == {"greeting": "Hello, Cy"}


def test_async_function_through_worker_execute_inside_a_loop() -> None:
    async def main() -> TaskResult:
        return Worker("exec", sample_workers.async_greet).execute(make_task({"name": "Di"}))

    result = asyncio.run(main())

    assert result.output_data == {"greeting": "Hello, Di"}
    assert [entry.log for entry in result.logs] == ["greeting Di"]


def test_async_callable_object() -> None:
    result = asyncio.run(
        execute_task_async(Worker("exec", AsyncCallable()), make_task({"name": "e"}))
    )

    assert result.output_data == {"result": "E"}


def test_async_class_worker() -> None:
    result = asyncio.run(execute_task_async(AsyncClassWorker("exec"), make_task()))

    assert result.status == TaskResultStatus.COMPLETED
    assert result.output_data == {"style": "async class"}


def test_sync_worker_through_the_async_entry_point_runs_in_a_thread() -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    def fn(task: Task) -> dict[str, int]:
        seen.append(threading.get_ident())
        return {"ok": 1}

    result = asyncio.run(execute_task_async(Worker("exec", fn), make_task()))

    assert result.output_data == {"ok": 1}
    assert len(seen) == 1
    assert seen[0] != loop_thread


def test_async_exceptions_and_in_progress() -> None:
    async def raises(task: Task) -> None:
        raise NonRetryableException("async terminal")

    async def waits(task: Task) -> TaskInProgress:
        return TaskInProgress(callback_after_seconds=10)

    failed = asyncio.run(execute_task_async(Worker("exec", raises), make_task()))
    waiting = asyncio.run(execute_task_async(Worker("exec", waits), make_task()))

    assert failed.status == TaskResultStatus.FAILED_WITH_TERMINAL_ERROR
    assert failed.reason_for_incompletion == "async terminal"
    assert waiting.status == TaskResultStatus.IN_PROGRESS
    assert waiting.callback_after_seconds == 10


def test_async_cancellation_propagates() -> None:
    async def main() -> None:
        started = asyncio.Event()  # created inside the loop (Python 3.9 binds it at creation)

        async def slow(task: Task) -> None:
            started.set()
            await asyncio.sleep(3600)

        job = asyncio.ensure_future(execute_task_async(Worker("exec", slow), make_task()))
        await asyncio.wait_for(started.wait(), timeout=10)
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job

    asyncio.run(main())


# --- Execution: the exception behind a failure, for the runtime's metrics ------------------


def _raises_value_error(task: Task) -> None:
    raise ValueError("bad input")


def _raises_terminal(task: Task) -> None:
    raise NonRetryableException("never")


def _raises_in_progress(task: Task) -> None:
    raise TaskInProgress(callback_after_seconds=5)


def _returns_failed(task: Task) -> TaskResult:
    return TaskResult(status=TaskResultStatus.FAILED, reason_for_incompletion="said no")


def _returns_unserialisable(task: Task) -> dict[str, Any]:
    return {"x": object()}


@pytest.mark.parametrize(
    ("worker", "status", "error_type"),
    [
        (Worker("exec", _raises_value_error), TaskResultStatus.FAILED, "ValueError"),
        (
            Worker("exec", _raises_terminal),
            TaskResultStatus.FAILED_WITH_TERMINAL_ERROR,
            "NonRetryableException",
        ),
        (
            Worker("exec", _returns_unserialisable),
            TaskResultStatus.FAILED,
            "OutputSerializationError",
        ),
        (RaisingClassWorker("exec"), TaskResultStatus.FAILED, "RuntimeError"),
        (Worker("exec", _raises_in_progress), TaskResultStatus.IN_PROGRESS, None),
        (Worker("exec", _returns_failed), TaskResultStatus.FAILED, None),
        (Worker("exec", sample_workers.add_numbers), TaskResultStatus.COMPLETED, None),
    ],
)
def test_run_task_names_the_exception_that_failed_the_task(
    worker: WorkerInterface, status: TaskResultStatus, error_type: str | None
) -> None:
    execution = run_task(worker, make_task({"a": 1, "b": 2}))

    assert isinstance(execution, Execution)
    assert execution.result.status == status
    assert (type(execution.error).__name__ if execution.error else None) == error_type
    # The result stays a plain model: nothing private rides on it (its __eq__ compares __dict__).
    assert set(vars(execution.result)) == set(vars(TaskResult()))


def test_run_task_and_execute_task_give_the_same_result() -> None:
    worker = Worker("exec", sample_workers.add_numbers)

    assert run_task(worker, make_task({"a": 1, "b": 2})).result == execute_task(
        worker, make_task({"a": 1, "b": 2})
    )


def test_run_task_names_the_exception_of_a_broken_task() -> None:
    task = make_task()
    task.input_data = 5  # type: ignore[assignment]

    execution = run_task(Worker("exec", sample_workers.add_numbers), task)

    assert execution.result.status == TaskResultStatus.FAILED
    assert execution.error is not None


def test_run_task_async_names_the_exception() -> None:
    async def raises(task: Task) -> None:
        raise KeyError("missing")

    async def waits(task: Task) -> TaskInProgress:
        return TaskInProgress(callback_after_seconds=1)

    failed = asyncio.run(run_task_async(Worker("exec", raises), make_task()))
    waiting = asyncio.run(run_task_async(Worker("exec", waits), make_task()))
    in_thread = asyncio.run(run_task_async(Worker("exec", _raises_value_error), make_task()))

    assert (failed.result.status, type(failed.error)) == (TaskResultStatus.FAILED, KeyError)
    assert (waiting.result.status, waiting.error) == (TaskResultStatus.IN_PROGRESS, None)
    assert type(in_thread.error) is ValueError
