"""``Worker``: a worker made from a plain function (``def`` or ``async def``)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Union

from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.worker._binding import (
    BindingPlan,
    is_callable_input_parameter_a_task,
    is_callable_return_value_of_type,
)
from conductor.client.worker._pickling import picklable_function, undecorated
from conductor.client.worker.worker_interface import DEFAULT_POLLING_INTERVAL, WorkerInterface

if TYPE_CHECKING:
    from conductor.client.http.models.task_def import TaskDef

__all__ = [
    "ExecuteTaskFunction",
    "Worker",
    "is_callable_input_parameter_a_task",
    "is_callable_return_value_of_type",
]

ExecuteTaskFunction = Callable[[Union[Task, object]], Union[TaskResult, object]]
"""What a worker function looks like: it takes the task (or its inputs) and returns output."""


class Worker(WorkerInterface):
    """A worker that runs ``execute_function`` for each task.

    The function either takes the whole task (one parameter annotated ``Task``, ``object``
    or not annotated) or takes the task's inputs as parameters, converted to their
    annotated types. It may return a ``TaskResult``, a dict, a dataclass, any JSON-like
    value (stored as ``{"result": value}``), ``None``, or a ``TaskInProgress``; it may raise
    ``NonRetryableException`` to fail the task for good. ``async def`` functions work too.

    Args:
        task_definition_name: Task type to poll for, or a list polled in turn.
        execute_function: The function that executes a task.
        poll_interval: Pause between polls in **milliseconds** (default 100).
        domain: Task domain to poll in.
        worker_id: Id reported to the server; the hostname when not given.
        thread_count: Tasks of this worker that may execute at the same time.
        register_task_def: Register the task definition (``task_def_template`` or a bare
            one) when the worker starts; a failure is logged and the worker runs anyway.
        poll_timeout: Long-poll wait in milliseconds; None (the default) leaves it to the
            runtime (2000 ms). The server allows at most 5000.
        lease_extend_enabled: Extend the task's lease while it executes.
        paused: Start paused (no polling) until the flag is cleared.
        execution_timeout_seconds: Fail an execution that runs longer than this.
        task_def_template: Template for the registered task definition (copied; its name is
            replaced by the task's).
        overwrite_task_def: When registering, replace a definition the server already has
            (otherwise it is left as it is).
        strict_schema: Accepted for compatibility; schemas are not generated.
        register_schema: Accepted for compatibility; schemas are not generated or
            registered (a warning says so when the task definition is registered).

    Raises:
        TypeError: ``execute_function`` is not callable.
        ValueError: a numeric option is out of range.
    """

    def __init__(
        self,
        task_definition_name: str | list[str],
        execute_function: ExecuteTaskFunction | Callable[..., Any],
        poll_interval: float | None = None,
        domain: str | None = None,
        worker_id: str | None = None,
        thread_count: int = 1,
        register_task_def: bool = False,
        poll_timeout: int | None = None,
        lease_extend_enabled: bool = False,
        paused: bool = False,
        execution_timeout_seconds: float | None = None,
        task_def_template: TaskDef | None = None,
        overwrite_task_def: bool = True,
        strict_schema: bool = False,
        register_schema: bool | None = False,
    ) -> None:
        super().__init__(task_definition_name)
        self.poll_interval = DEFAULT_POLLING_INTERVAL if poll_interval is None else poll_interval
        self.domain = domain
        self.worker_id = worker_id if worker_id is not None else super().get_identity()
        self.thread_count = _check_int("thread_count", thread_count, minimum=1)
        self.register_task_def = register_task_def
        self.poll_timeout = (
            None if poll_timeout is None else _check_int("poll_timeout", poll_timeout, minimum=0)
        )
        self.lease_extend_enabled = lease_extend_enabled
        self._paused = paused
        self.execution_timeout_seconds = _check_timeout(execution_timeout_seconds)
        self.task_def_template = task_def_template
        self.overwrite_task_def = overwrite_task_def
        self.strict_schema = strict_schema
        self.register_schema = register_schema
        self._plan_lock = threading.Lock()
        self.execute_function = execute_function

    @property
    def execute_function(self) -> Callable[..., Any]:
        """The function that executes a task (decorator wrappers removed)."""
        return self._execute_function

    @execute_function.setter
    def execute_function(self, execute_function: Callable[..., Any]) -> None:
        if not callable(execute_function):
            raise TypeError(
                f"execute_function for task {self._first_task_name()!r} must be callable, "
                f"got {execute_function!r}"
            )
        self._execute_function = undecorated(execute_function)
        self._binding_plan: BindingPlan | None = None

    def binding_plan(self) -> BindingPlan:
        """How the function's parameters are filled from a task (built on first use).

        Built lazily so that annotations naming classes defined later in the module resolve.
        """
        plan = self._binding_plan
        if plan is None:
            with self._plan_lock:
                plan = self._binding_plan
                if plan is None:
                    plan = self._binding_plan = BindingPlan(self._execute_function)
        return plan

    def execute(self, task: Task) -> TaskResult:
        """Run the function on ``task`` and return the task's result; never raises.

        Exceptions become a ``FAILED`` (or, for ``NonRetryableException``,
        ``FAILED_WITH_TERMINAL_ERROR``) result. An ``async def`` function is run to
        completion here; the runtime awaits it on its event loop instead.

        Args:
            task: The polled task.

        Returns:
            The result to send to the server.
        """
        from conductor.client.worker import _execution  # it imports this module

        return _execution.execute_function_worker(self, task)

    def get_identity(self) -> str:
        """Return ``worker_id`` (the hostname unless one was given)."""
        return self.worker_id if self.worker_id is not None else super().get_identity()

    def __getstate__(self) -> dict[str, Any]:
        # Pickled for spawned children: the function travels by reference, the derived
        # plan and the lock are rebuilt on the other side.
        state = self.__dict__.copy()
        state["_binding_plan"] = None
        del state["_plan_lock"]
        state["_execute_function"] = picklable_function(
            self._execute_function, self._first_task_name()
        )
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._plan_lock = threading.Lock()

    def __repr__(self) -> str:
        function = getattr(self._execute_function, "__qualname__", self._execute_function)
        return f"Worker(task_definition_name={self.task_definition_name!r}, function={function})"


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _check_timeout(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"execution_timeout_seconds must be a number > 0 or None, got {value!r}")
    return value
