"""The context of the task being executed, reachable from anywhere inside a worker.

``get_task_context()`` works in plain functions, in threads the runtime runs workers on, and
in coroutines (it is built on :mod:`contextvars`). Logs, output and a callback delay set
through it are merged into the task's result when the worker returns.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Iterator
from typing import Any

from conductor.client.http.models.task import Task
from conductor.client.http.models.task_exec_log import TaskExecLog
from conductor.client.http.models.task_result import TaskResult
from conductor.client.worker.exception import TaskInProgress

__all__ = ["TaskContext", "TaskInProgress", "get_task_context"]

_current_context: contextvars.ContextVar[TaskContext | None] = contextvars.ContextVar(
    "conductor_task_context", default=None
)


class TaskContext:
    """The task being executed and the result being built for it.

    Get it with :func:`get_task_context` rather than constructing it.

    Args:
        task: The task being executed.
        task_result: The result the runtime merges into the worker's final result.
    """

    def __init__(self, task: Task, task_result: TaskResult) -> None:
        self._task = task
        self._task_result = task_result

    @property
    def task(self) -> Task:
        """The task being executed."""
        return self._task

    @property
    def task_result(self) -> TaskResult:
        """The result being built: logs, output and callback set through this context."""
        return self._task_result

    def get_task_id(self) -> str | None:
        """Return the task's id."""
        return self._task.task_id

    def get_workflow_instance_id(self) -> str | None:
        """Return the id of the workflow the task belongs to."""
        return self._task.workflow_instance_id

    def get_retry_count(self) -> int:
        """Return how many times the task was retried before (0 on the first attempt)."""
        return self._task.retry_count or 0

    def get_poll_count(self) -> int:
        """Return how many times the task has been polled (0 when the server did not say)."""
        return self._task.poll_count or 0

    def get_callback_after_seconds(self) -> int:
        """Return the callback delay set for this execution, else the task's (0: none)."""
        value = self._task_result.callback_after_seconds
        if value is None:
            value = self._task.callback_after_seconds
        return value or 0

    def get_input(self) -> dict[str, Any]:
        """Return the task's input (``{}`` when it has none)."""
        return self._task.input_data or {}

    def get_task_def_name(self) -> str | None:
        """Return the task's definition name (its type when the server sent no name)."""
        return self._task.task_def_name or self._task.task_type

    def get_workflow_task_type(self) -> str:
        """Return the type of the task in the workflow definition ('' when unknown)."""
        workflow_task = self._task.workflow_task
        if workflow_task is None:
            return ""
        if isinstance(workflow_task, dict):  # not deserialized into a model
            return str(workflow_task.get("type") or "")
        return str(getattr(workflow_task, "type", None) or "")

    def set_callback_after(self, seconds: float) -> None:
        """Ask the server to hand the task out again after ``seconds``.

        Raises:
            ValueError: ``seconds`` is negative or not a finite number.
        """
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            raise ValueError(f"callback delay must be a number of seconds >= 0, got {seconds!r}")
        self._task_result.callback_after_seconds = math.ceil(seconds)

    def add_log(self, log_message: str) -> None:
        """Attach a log line to the task (shown with the task in the Conductor UI)."""
        entry = TaskExecLog(
            log=str(log_message),
            task_id=self._task.task_id,
            created_time=int(time.time() * 1000),
        )
        if self._task_result.logs is None:
            self._task_result.logs = []
        self._task_result.logs.append(entry)

    def set_output(self, output_data: dict[str, Any]) -> None:
        """Set output now; keys the worker returns later take precedence over these.

        Raises:
            ValueError: ``output_data`` is not a dict.
        """
        if not isinstance(output_data, dict):
            raise ValueError(f"output must be a dict, got {type(output_data).__name__}")
        self._task_result.output_data = output_data

    def __repr__(self) -> str:
        return (
            f"TaskContext(task_id={self.get_task_id()!r}, "
            f"workflow_instance_id={self.get_workflow_instance_id()!r}, "
            f"retry_count={self.get_retry_count()})"
        )

    @staticmethod
    def get() -> TaskContext:
        """Return the current task's context; the same as :func:`get_task_context`."""
        return get_task_context()


def get_task_context() -> TaskContext:
    """Return the context of the task being executed by the calling worker.

    Raises:
        RuntimeError: no task is being executed here.
    """
    context = _current_context.get()
    if context is None:
        raise RuntimeError(
            "get_task_context() was called outside a running task: call it from inside a "
            "worker while it executes a task"
        )
    return context


@contextlib.contextmanager
def _task_context_scope(task: Task, task_result: TaskResult) -> Iterator[tuple[TaskContext, bool]]:
    """Make a context current for ``task``; yields it and whether this scope created it.

    A scope entered again for the same task (a worker calling another worker's ``execute``)
    reuses the outer context, so logs and output are merged once, by the outermost scope.
    """
    current = _current_context.get()
    if current is not None and current.task is task:
        yield current, False
        return
    context = TaskContext(task, task_result)
    token = _current_context.set(context)
    try:
        yield context, True
    finally:
        _current_context.reset(token)
