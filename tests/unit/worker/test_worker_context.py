"""TaskContext: what a worker can read and set while it executes a task."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from typing import Any

import pytest

from conductor.client.context import TaskContext, get_task_context
from conductor.client.context.task_context import get_task_context as direct_get
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.worker._execution import execute_task, execute_task_async
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import WorkerInterface


def make_task(task_id: str = "t-1", **fields: Any) -> Task:
    fields.setdefault("input_data", {})
    return Task(task_id=task_id, workflow_instance_id="wf-1", task_type="ctx", **fields)


def test_outside_a_task_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="outside a running task"):
        get_task_context()
    assert direct_get is get_task_context


def test_accessors_read_the_task() -> None:
    seen: dict[str, Any] = {}

    def fn(task: Task) -> None:
        ctx = get_task_context()
        seen.update(
            same=ctx is TaskContext.get(),
            task=ctx.task,
            task_id=ctx.get_task_id(),
            workflow=ctx.get_workflow_instance_id(),
            retry=ctx.get_retry_count(),
            poll=ctx.get_poll_count(),
            callback=ctx.get_callback_after_seconds(),
            input=ctx.get_input(),
            name=ctx.get_task_def_name(),
            type=ctx.get_workflow_task_type(),
        )

    task = make_task(
        input_data={"a": 1},
        retry_count=2,
        poll_count=3,
        task_def_name="ctx_def",
        workflow_task=WorkflowTask(name="ctx_def", task_reference_name="r", type="SIMPLE"),
    )
    execute_task(Worker("ctx", fn), task)

    assert seen == {
        "same": True,
        "task": task,
        "task_id": "t-1",
        "workflow": "wf-1",
        "retry": 2,
        "poll": 3,
        "callback": 0,
        "input": {"a": 1},
        "name": "ctx_def",
        "type": "SIMPLE",
    }


def test_accessors_default_when_the_server_sent_nothing() -> None:
    task = Task(task_id="t", task_type="only_type")
    ctx = TaskContext(task, TaskResult())

    assert (ctx.get_retry_count(), ctx.get_poll_count()) == (0, 0)
    assert ctx.get_input() == {}
    assert ctx.get_task_def_name() == "only_type"
    assert ctx.get_workflow_task_type() == ""
    assert "t" in repr(ctx)


def test_workflow_task_type_from_an_undeserialized_dict() -> None:
    task = Task(task_id="t")
    task.workflow_task = {"type": "SIMPLE"}  # type: ignore[assignment]

    assert TaskContext(task, TaskResult()).get_workflow_task_type() == "SIMPLE"


def test_logs_output_and_callback_are_merged_into_the_result() -> None:
    def fn(task: Task) -> dict[str, Any]:
        ctx = get_task_context()
        ctx.add_log("step one")
        ctx.set_output({"progress": 50, "shared": "context"})
        ctx.set_callback_after(15)
        ctx.add_log("step two")
        return {"shared": "returned", "done": True}

    before_ms = int(time.time() * 1000)
    result = execute_task(Worker("ctx", fn), make_task())

    assert [entry.log for entry in result.logs] == ["step one", "step two"]
    assert all(entry.task_id == "t-1" for entry in result.logs)
    assert all(before_ms <= entry.created_time <= time.time() * 1000 for entry in result.logs)
    assert result.output_data == {"progress": 50, "shared": "returned", "done": True}
    assert result.callback_after_seconds == 15


def test_context_callback_does_not_override_the_results() -> None:
    def fn(task: Task) -> TaskResult:
        get_task_context().set_callback_after(99)
        result = TaskResult(status="IN_PROGRESS")
        result.callback_after_seconds = 5
        return result

    assert execute_task(Worker("ctx", fn), make_task()).callback_after_seconds == 5


def test_context_logs_come_before_the_failure_traceback() -> None:
    def fn(task: Task) -> None:
        get_task_context().add_log("about to fail")
        raise RuntimeError("boom")

    result = execute_task(Worker("ctx", fn), make_task())

    assert result.status == TaskResultStatus.FAILED
    assert result.logs[0].log == "about to fail"
    assert "RuntimeError: boom" in result.logs[1].log


def test_returning_the_context_result_is_not_merged_twice() -> None:
    def fn(task: Task) -> TaskResult:
        ctx = get_task_context()
        ctx.add_log("once")
        ctx.task_result.status = TaskResultStatus.COMPLETED
        return ctx.task_result

    result = execute_task(Worker("ctx", fn), make_task())

    assert [entry.log for entry in result.logs] == ["once"]


def test_class_worker_delegating_to_a_worker_merges_once() -> None:
    def inner(task: Task) -> dict[str, str]:
        get_task_context().add_log("inner")
        return {"inner": "yes"}

    class Delegating(WorkerInterface):
        def execute(self, task: Task) -> TaskResult:
            get_task_context().add_log("outer")
            return Worker("ctx", inner).execute(task)

    result = execute_task(Delegating("ctx"), make_task())

    assert [entry.log for entry in result.logs] == ["outer", "inner"]
    assert result.output_data == {"inner": "yes"}


def test_setters_validate() -> None:
    ctx = TaskContext(make_task(), TaskResult())

    with pytest.raises(ValueError, match="dict"):
        ctx.set_output(["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="callback"):
        ctx.set_callback_after(-1)


def test_context_is_gone_after_the_task() -> None:
    execute_task(Worker("ctx", lambda task: get_task_context().add_log("x")), make_task())

    with pytest.raises(RuntimeError):
        get_task_context()


def test_each_thread_sees_its_own_task() -> None:
    barrier = threading.Barrier(2, timeout=10)

    def fn(task: Task) -> dict[str, Any]:
        barrier.wait()  # both tasks are executing at the same time here
        return {"seen": get_task_context().get_task_id()}

    worker = Worker("ctx", fn)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(execute_task, worker, make_task(f"t-{i}")) for i in range(2)]
        results = [future.result(timeout=30) for future in futures]

    assert [r.output_data["seen"] for r in results] == ["t-0", "t-1"]


def test_each_coroutine_sees_its_own_task() -> None:
    async def fn(task: Task) -> dict[str, Any]:
        await asyncio.sleep(0)

        async def child() -> str | None:  # a task spawned by the worker inherits the context
            await asyncio.sleep(0)
            return get_task_context().get_task_id()

        spawned = await asyncio.gather(child(), child())
        return {"seen": get_task_context().get_task_id(), "spawned": spawned}

    async def main() -> list[TaskResult]:
        worker = Worker("ctx", fn)
        return await asyncio.gather(
            *(execute_task_async(worker, make_task(f"t-{i}")) for i in range(3))
        )

    results = asyncio.run(main())

    assert [r.output_data for r in results] == [
        {"seen": f"t-{i}", "spawned": [f"t-{i}", f"t-{i}"]} for i in range(3)
    ]
