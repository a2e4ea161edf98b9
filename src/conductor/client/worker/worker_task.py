"""Decorators that turn a function into a worker: ``@worker_task`` and ``@WorkerTask``.

The decorated function is registered when its module is imported, and ``TaskHandler``
runs a worker for every registered function. The function stays an ordinary function;
called with ``task_ref_name=...`` it instead returns a ``SimpleTask`` for the workflow DSL,
with the other keyword arguments as the task's inputs.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast

from conductor.client.worker._pickling import UNDECORATED_ATTR
from conductor.client.worker._registry import register_decorated_fn

if TYPE_CHECKING:
    from conductor.client.http.models.task_def import TaskDef

__all__ = ["WorkerTask", "worker_task"]

_F = TypeVar("_F", bound=Callable[..., Any])


def WorkerTask(  # the historical name: a function spelled like a class
    task_definition_name: str,
    poll_interval: int = 100,
    domain: str | None = None,
    worker_id: str | None = None,
    poll_interval_seconds: int = 0,
    thread_count: int = 1,
    register_task_def: bool = False,
    poll_timeout: int | None = None,
    lease_extend_enabled: bool = False,
    execution_timeout_seconds: float | None = None,
    register_schema: bool | None = None,
) -> Callable[[_F], _F]:
    """Register the decorated function as the worker for ``task_definition_name``.

    Args:
        task_definition_name: The task type to poll for.
        poll_interval: Pause between polls in **milliseconds**.
        domain: Task domain to poll in.
        worker_id: Id reported to the server; the hostname when not given.
        poll_interval_seconds: When > 0, the pause in seconds; replaces ``poll_interval``.
        thread_count: Tasks that may execute at the same time.
        register_task_def: Register the task definition when the worker starts; a failure
            is logged and the worker runs anyway.
        poll_timeout: Long-poll wait in milliseconds; None (the default) leaves it to the
            runtime (2000 ms).
        lease_extend_enabled: Extend the task's lease while it executes.
        execution_timeout_seconds: Fail an execution that runs longer than this.
        register_schema: Accepted for compatibility; schemas are not generated or
            registered (a warning says so when the task definition is registered).

    Returns:
        The decorator.
    """
    poll_interval_ms = poll_interval
    if poll_interval_seconds and poll_interval_seconds > 0:
        poll_interval_ms = 1000 * poll_interval_seconds
    return _decorator(
        task_definition_name,
        poll_interval=poll_interval_ms,
        domain=domain,
        worker_id=worker_id,
        thread_count=thread_count,
        register_task_def=register_task_def,
        poll_timeout=poll_timeout,
        lease_extend_enabled=lease_extend_enabled,
        execution_timeout_seconds=execution_timeout_seconds,
        register_schema=register_schema,
    )


def worker_task(
    task_definition_name: str,
    poll_interval_millis: int = 100,
    domain: str | None = None,
    worker_id: str | None = None,
    thread_count: int = 1,
    register_task_def: bool = False,
    poll_timeout: int | None = None,
    lease_extend_enabled: bool = False,
    execution_timeout_seconds: float | None = None,
    task_def: TaskDef | None = None,
    overwrite_task_def: bool = True,
    strict_schema: bool = False,
    register_schema: bool | None = None,
) -> Callable[[_F], _F]:
    """Register the decorated function as the worker for ``task_definition_name``.

    Args:
        task_definition_name: The task type to poll for.
        poll_interval_millis: Pause between polls in milliseconds.
        domain: Task domain to poll in.
        worker_id: Id reported to the server; the hostname when not given.
        thread_count: Tasks that may execute at the same time.
        register_task_def: Register the task definition when the worker starts; a failure
            is logged and the worker runs anyway.
        poll_timeout: Long-poll wait in milliseconds; None (the default) leaves it to the
            runtime (2000 ms).
        lease_extend_enabled: Extend the task's lease while it executes.
        execution_timeout_seconds: Fail an execution that runs longer than this.
        task_def: Template for the registered task definition (copied; its name is replaced
            by the task's).
        overwrite_task_def: When registering, replace a definition the server already has
            (otherwise it is left as it is).
        strict_schema: Accepted for compatibility; schemas are not generated.
        register_schema: Accepted for compatibility; schemas are not generated or
            registered (a warning says so when the task definition is registered).

    Returns:
        The decorator.
    """
    return _decorator(
        task_definition_name,
        poll_interval=poll_interval_millis,
        domain=domain,
        worker_id=worker_id,
        thread_count=thread_count,
        register_task_def=register_task_def,
        poll_timeout=poll_timeout,
        lease_extend_enabled=lease_extend_enabled,
        execution_timeout_seconds=execution_timeout_seconds,
        task_def=task_def,
        overwrite_task_def=overwrite_task_def,
        strict_schema=strict_schema,
        register_schema=register_schema,
    )


def _decorator(
    task_definition_name: str,
    poll_interval: float,
    domain: str | None,
    worker_id: str | None,
    **options: Any,
) -> Callable[[_F], _F]:
    def decorate(func: _F) -> _F:
        register_decorated_fn(
            task_definition_name, poll_interval, domain, worker_id, func, **options
        )

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if "task_ref_name" in kwargs:
                return _simple_task(task_definition_name, args, kwargs)
            return func(*args, **kwargs)

        setattr(wrapper, UNDECORATED_ATTR, func)
        return cast("_F", wrapper)

    return decorate


def _simple_task(task_definition_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The workflow-DSL use of a worker: ``SimpleTask`` with the keyword args as inputs."""
    if args:
        raise TypeError(
            f"{task_definition_name}(task_ref_name=...) takes the task's inputs as keyword "
            f"arguments only, got {len(args)} positional"
        )
    # Imported here: the workflow DSL is only needed when building workflows.
    from conductor.client.workflow.task.simple_task import SimpleTask

    task = SimpleTask(
        task_def_name=task_definition_name, task_reference_name=kwargs.pop("task_ref_name")
    )
    task.input_parameters.update(kwargs)
    return task
