"""The registry of decorated worker functions, filled at import time by the decorators.

Keyed by ``(task_definition_name, domain)``; registering a key again replaces the entry
(re-imports and reloads register the same function again). ``TaskHandler`` reads it through
:func:`registered_workers`; ``automator.task_handler`` re-exports ``register_decorated_fn``
and ``_decorated_functions`` under their historical names. This module never imports the
automator.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from conductor.client.worker._pickling import ensure_picklable
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import validate_poll_interval

__all__ = [
    "_decorated_functions",
    "ensure_picklable",
    "register_decorated_fn",
    "registered_workers",
]

logger = logging.getLogger(__name__)

# Options a registration may carry besides the historical five, and the Worker argument
# each one becomes.
_WORKER_OPTIONS = {
    "thread_count": "thread_count",
    "register_task_def": "register_task_def",
    "poll_timeout": "poll_timeout",
    "lease_extend_enabled": "lease_extend_enabled",
    "paused": "paused",
    "execution_timeout_seconds": "execution_timeout_seconds",
    "task_def": "task_def_template",
    "task_def_template": "task_def_template",
    "overwrite_task_def": "overwrite_task_def",
    "strict_schema": "strict_schema",
    "register_schema": "register_schema",
}

_decorated_functions: dict[tuple[str, str | None], dict[str, Any]] = {}
_lock = threading.Lock()


def register_decorated_fn(
    name: str,
    poll_interval: float,
    domain: str | None,
    worker_id: str | None,
    func: Callable[..., Any],
    **extra: Any,
) -> None:
    """Register ``func`` as the worker for task type ``name`` in ``domain``.

    Args:
        name: The task type.
        poll_interval: Pause between polls, in milliseconds.
        domain: Task domain, or None.
        worker_id: Id reported to the server, or None for the hostname.
        func: The undecorated worker function.
        **extra: Further ``Worker`` options (``thread_count``, ``poll_timeout``, ...).

    Raises:
        TypeError: ``name`` is not a non-empty string, or ``func`` is not callable.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"task_definition_name must be a non-empty string, got {name!r}")
    if not callable(func):
        raise TypeError(f"the worker for task {name!r} must be callable, got {func!r}")
    validate_poll_interval(poll_interval, name)
    unknown = sorted(set(extra) - set(_WORKER_OPTIONS))
    if unknown:
        logger.warning("Worker %r: ignoring unknown options %s", name, ", ".join(unknown))
    record = {
        "func": func,
        "poll_interval": poll_interval,
        "domain": domain,
        "worker_id": worker_id,
        **extra,
    }
    with _lock:
        previous = _decorated_functions.get((name, domain))
        _decorated_functions[(name, domain)] = record
    if previous is not None and _qualified_name(previous["func"]) != _qualified_name(func):
        logger.warning(
            "Worker %s replaces %s for task %r (domain %r)",
            _qualified_name(func),
            _qualified_name(previous["func"]),
            name,
            domain,
        )


def registered_workers() -> list[Worker]:
    """Return a new ``Worker`` for each registered function, in registration order."""
    with _lock:
        entries = list(_decorated_functions.items())
    return [_worker_from(name, record) for (name, _domain), record in entries]


def _worker_from(name: str, record: dict[str, Any]) -> Worker:
    options = {
        _WORKER_OPTIONS[key]: value for key, value in record.items() if key in _WORKER_OPTIONS
    }
    return Worker(
        task_definition_name=name,
        execute_function=record["func"],
        poll_interval=record["poll_interval"],
        domain=record["domain"],
        worker_id=record["worker_id"],
        **options,
    )


def _qualified_name(func: Callable[..., Any]) -> str:
    module = getattr(func, "__module__", None) or "?"
    return f"{module}.{getattr(func, '__qualname__', repr(func))}"
