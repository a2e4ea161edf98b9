"""Executing one task with one worker: the runtime's entry points.

``execute_task`` and ``execute_task_async`` never raise an ``Exception``: whatever the
worker does, they return the ``TaskResult`` to send to the server.

* A returned ``TaskResult`` is kept, addressed to the task, signed by the worker, and its
  status defaults to ``COMPLETED``. Other return values follow the output rules of
  :mod:`conductor.client.worker._output`.
* ``TaskInProgress`` (returned or raised) -> ``IN_PROGRESS`` with ``callbackAfterSeconds``.
* ``NonRetryableException`` -> ``FAILED_WITH_TERMINAL_ERROR``; any other exception ->
  ``FAILED``. The reason is the exception's message (at most 500 characters) and the
  traceback is attached to the task's logs.
* Logs, output and callback set through the ``TaskContext`` are merged into the result.
* An output that cannot be JSON fails the task with a reason saying where.

``run_task`` and ``run_task_async`` return the same result wrapped in an :class:`Execution`,
which also carries the exception that failed the task, for the runtime's metrics.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import inspect
import logging
import math
import socket
import time
import traceback
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from conductor.client.context.task_context import TaskContext, _task_context_scope
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_exec_log import TaskExecLog
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker._binding import InputBindingError
from conductor.client.worker._output import (
    OutputSerializationError,
    output_to_dict,
    to_json_compatible,
)
from conductor.client.worker.exception import NonRetryableException, TaskInProgress
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import WorkerInterface

__all__ = [
    "Execution",
    "execute_function_worker",
    "execute_task",
    "execute_task_async",
    "is_async_worker",
    "run_task",
    "run_task_async",
]

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500
_T = TypeVar("_T")


def is_async_worker(worker: WorkerInterface) -> bool:
    """True when executing ``worker`` means awaiting a coroutine (``async def``)."""
    try:
        if _runs_function(worker):
            return _is_coroutine_callable(worker.execute_function)  # type: ignore[attr-defined]
        return _is_coroutine_callable(worker.execute)
    except Exception:
        logger.exception("Cannot tell whether worker %r is async; treating it as sync", worker)
        return False


@dataclass(frozen=True)
class Execution:
    """What one execution produced.

    Attributes:
        result: The result to send to the server.
        error: The exception that made the task fail (raised by the worker, or by the
            conversion of its input or output); None when no exception was involved, also
            when the worker itself returned a failed result.
    """

    result: TaskResult
    error: BaseException | None = None


def execute_task(worker: WorkerInterface, task: Task) -> TaskResult:
    """Execute ``task`` with ``worker`` in this thread and return its result; never raises.

    An async worker is run to completion on a private event loop.
    """
    return run_task(worker, task).result


def run_task(worker: WorkerInterface, task: Task) -> Execution:
    """Like :func:`execute_task`, with the exception that failed the task, if any."""
    return _execute_sync(worker, task, use_function=_runs_function(worker))


async def execute_task_async(worker: WorkerInterface, task: Task) -> TaskResult:
    """Execute ``task`` with ``worker`` on the running event loop; never raises.

    A sync worker is run in a thread (``asyncio.to_thread``) so the loop is not blocked.
    Cancellation (e.g. the runtime's execution timeout) propagates as usual.
    """
    return (await run_task_async(worker, task)).result


async def run_task_async(worker: WorkerInterface, task: Task) -> Execution:
    """Like :func:`execute_task_async`, with the exception that failed the task, if any."""
    try:
        if not is_async_worker(worker):
            import asyncio  # only async paths pay for asyncio (a few MiB per worker process)

            return await asyncio.to_thread(run_task, worker, task)
        run = _Run(worker, task, use_function=_runs_function(worker))
        with _task_context_scope(task, run.scratch) as (context, outermost):
            try:
                outcome = run.call()
                if inspect.isawaitable(outcome):
                    outcome = await outcome
                result = run.complete(outcome)
            except Exception as exc:
                result = run.fail(exc)
            return Execution(run.finalize(result, context if outermost else None), run.error)
    except Exception as exc:
        return _last_resort(worker, task, exc)


def execute_function_worker(worker: Worker, task: Task) -> TaskResult:
    """What ``Worker.execute`` does: run the worker's function on ``task``; never raises."""
    return _execute_sync(worker, task, use_function=True).result


def _execute_sync(worker: WorkerInterface, task: Task, use_function: bool) -> Execution:
    try:
        run = _Run(worker, task, use_function)
        with _task_context_scope(task, run.scratch) as (context, outermost):
            try:
                outcome = run.call()
                if inspect.isawaitable(outcome):
                    outcome = run_to_completion(outcome)
                result = run.complete(outcome)
            except Exception as exc:
                result = run.fail(exc)
            return Execution(run.finalize(result, context if outermost else None), run.error)
    except Exception as exc:
        return _last_resort(worker, task, exc)


def run_to_completion(awaitable: Awaitable[_T]) -> _T:
    """Await ``awaitable`` from sync code, on a private loop (in a thread if one is running)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_await(awaitable))
    # Called from inside a running loop (sync code called by async code): that loop cannot
    # be re-entered, so run a private one in a helper thread, keeping the task context.
    context = contextvars.copy_context()
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="conductor-async") as pool:
        return pool.submit(context.run, asyncio.run, _await(awaitable)).result()


async def _await(awaitable: Awaitable[_T]) -> _T:
    return await awaitable


def _runs_function(worker: WorkerInterface) -> bool:
    """True for a ``Worker`` whose ``execute`` was not overridden: we call its function."""
    return isinstance(worker, Worker) and type(worker).execute is Worker.execute


def _is_coroutine_callable(fn: Any) -> bool:
    if inspect.iscoroutinefunction(fn):
        return True
    if inspect.isroutine(fn) or inspect.isclass(fn):
        return False
    return inspect.iscoroutinefunction(getattr(type(fn), "__call__", None))  # noqa: B004


def _now_ms() -> int:
    return int(time.time() * 1000)


def _reason(exc: BaseException) -> str:
    try:
        message = str(exc)
    except Exception:
        logger.debug("str() of %s failed", type(exc).__name__, exc_info=True)
        message = ""
    message = message or type(exc).__name__
    if len(message) > MAX_REASON_LENGTH:
        message = message[: MAX_REASON_LENGTH - 3] + "..."
    return message


class _Run:
    """One execution of one task by one worker."""

    def __init__(self, worker: WorkerInterface, task: Task, use_function: bool) -> None:
        self.worker = worker
        self.task = task
        self.use_function = use_function
        self.worker_id = _identity(worker)
        self.scratch = self.new_result(None)  # what the TaskContext writes into
        self.error: Exception | None = None  # the exception that failed the task

    def new_result(self, status: TaskResultStatus | None) -> TaskResult:
        return TaskResult(
            task_id=self.task.task_id,
            workflow_instance_id=self.task.workflow_instance_id,
            worker_id=self.worker_id,
            status=status,
        )

    def call(self) -> Any:
        """Call the worker; may return an awaitable."""
        if self.use_function:
            worker: Worker = self.worker  # type: ignore[assignment]
            args, kwargs = worker.binding_plan().bind(self.task)
            return worker.execute_function(*args, **kwargs)
        return self.worker.execute(self.task)

    def complete(self, outcome: Any) -> TaskResult:
        """Turn what the worker returned into a result."""
        if isinstance(outcome, TaskResult):
            return outcome
        if isinstance(outcome, TaskInProgress):
            return self.in_progress(outcome)
        result = self.new_result(TaskResultStatus.COMPLETED)
        result.output_data = output_to_dict(outcome)
        return result

    def in_progress(self, signal: TaskInProgress) -> TaskResult:
        result = self.new_result(TaskResultStatus.IN_PROGRESS)
        result.callback_after_seconds = math.ceil(signal.callback_after_seconds)
        try:
            result.output_data = output_to_dict(signal.output)
        except OutputSerializationError as exc:
            return self.fail(exc)
        return result

    def fail(self, exc: Exception) -> TaskResult:
        """Turn an exception from the worker into a result."""
        if isinstance(exc, TaskInProgress):
            return self.in_progress(exc)
        self.error = exc
        terminal = isinstance(exc, NonRetryableException)
        result = self.new_result(
            TaskResultStatus.FAILED_WITH_TERMINAL_ERROR if terminal else TaskResultStatus.FAILED
        )
        result.reason_for_incompletion = _reason(exc)
        ids = {"task_id": self.task.task_id, "workflow_instance_id": self.task.workflow_instance_id}
        if isinstance(exc, (InputBindingError, OutputSerializationError)):
            # The message says everything; a traceback into our conversion code would not.
            log_text = result.reason_for_incompletion
            logger.error("Task %s failed: %s", self.task.task_id, log_text, extra=ids)
        else:
            log_text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            logger.log(
                logging.WARNING if terminal else logging.ERROR,
                "Worker for task type %s failed task %s (workflow %s)%s",
                self.task.task_type,
                self.task.task_id,
                self.task.workflow_instance_id,
                " terminally" if terminal else "",
                exc_info=exc,
                extra=ids,
            )
        result.logs = [TaskExecLog(log=log_text, task_id=self.task.task_id, created_time=_now_ms())]
        return result

    def finalize(self, result: TaskResult, context: TaskContext | None) -> TaskResult:
        """Merge the context, address and sign the result, and make its output JSON."""
        if context is not None and result is not context.task_result:
            _merge_context(result, context.task_result)
        result.task_id = self.task.task_id
        result.workflow_instance_id = self.task.workflow_instance_id
        if result.worker_id is None:
            result.worker_id = self.worker_id
        if result.status is None:
            result.status = TaskResultStatus.COMPLETED
        if result.logs:
            result.logs = [self._as_log(entry) for entry in result.logs]
        if result.output_data is not None:
            try:
                output = to_json_compatible(result.output_data, "output")
            except OutputSerializationError as exc:
                return self._unserialisable(result, exc)
            result.output_data = output if isinstance(output, dict) else {"result": output}
        return result

    def _as_log(self, entry: Any) -> TaskExecLog:
        """Accept plain strings in a returned result's logs, as the server cannot."""
        if isinstance(entry, TaskExecLog):
            return entry
        return TaskExecLog(log=str(entry), task_id=self.task.task_id, created_time=_now_ms())

    def _unserialisable(self, result: TaskResult, exc: OutputSerializationError) -> TaskResult:
        failed = self.fail(exc)
        failed.logs = [*(result.logs or []), *(failed.logs or [])]
        return failed


def _merge_context(result: TaskResult, scratch: TaskResult) -> None:
    """Fold what the worker set through its TaskContext into the result it returned."""
    if scratch.logs:
        result.logs = [*scratch.logs, *(result.logs or [])]
    if result.callback_after_seconds is None and scratch.callback_after_seconds is not None:
        result.callback_after_seconds = scratch.callback_after_seconds
    if scratch.output_data and isinstance(result.output_data, (dict, type(None))):
        result.output_data = {**scratch.output_data, **(result.output_data or {})}


def _identity(worker: WorkerInterface) -> str:
    try:
        return worker.get_identity()
    except Exception:
        logger.exception("get_identity() of worker %r failed; using the hostname", worker)
        return socket.gethostname()


def _last_resort(worker: WorkerInterface, task: Task, exc: Exception) -> Execution:
    """A failure outside the worker's code (a broken task object, a bug here): still a result."""
    logger.exception("Could not execute task %s", getattr(task, "task_id", None))
    result = TaskResult(
        task_id=getattr(task, "task_id", None),
        workflow_instance_id=getattr(task, "workflow_instance_id", None),
        worker_id=socket.gethostname(),
        status=TaskResultStatus.FAILED,
        reason_for_incompletion=_reason(exc),
        logs=[TaskExecLog(log=traceback.format_exc(), created_time=_now_ms())],
    )
    return Execution(result, exc)
