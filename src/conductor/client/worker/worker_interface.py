"""The interface every worker implements, and the defaults the runtime reads from it."""

from __future__ import annotations

import abc
import logging
import socket
import threading
from typing import Any

from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult

__all__ = ["DEFAULT_POLLING_INTERVAL", "WorkerAbc", "WorkerInterface"]

logger = logging.getLogger(__name__)

DEFAULT_POLLING_INTERVAL = 100  # milliseconds

_warned_poll_intervals: set[tuple[str, float]] = set()
_warned_lock = threading.Lock()


def warn_if_sub_millisecond(poll_interval_ms: float, task_name: str) -> None:
    """Log one warning per (task, value) for a poll interval in (0, 1) ms.

    Such values were almost always meant as seconds (older releases and docs used seconds);
    the value is kept as given, since silently rescaling it would surprise everyone else.
    """
    if not 0 < poll_interval_ms < 1:
        return
    key = (task_name, poll_interval_ms)
    with _warned_lock:
        if key in _warned_poll_intervals:
            return
        _warned_poll_intervals.add(key)
    logger.warning(
        "Poll interval for task %r is %s ms, below 1 ms: poll intervals are in milliseconds "
        "(did you mean %s ms?). The value is used as given.",
        task_name,
        poll_interval_ms,
        poll_interval_ms * 1000,
    )


def validate_poll_interval(value: Any, task_name: str) -> float:
    """Return ``value`` if it is a usable poll interval in ms, warning on sub-ms values.

    Raises:
        TypeError: ``value`` is not a number.
        ValueError: ``value`` is negative.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"poll_interval for task {task_name!r} must be a number of milliseconds, got {value!r}"
        )
    if value < 0:
        raise ValueError(f"poll_interval for task {task_name!r} must be >= 0 ms, got {value!r}")
    warn_if_sub_millisecond(value, task_name)
    return value


class WorkerInterface(abc.ABC):
    """Base class of every worker: what to poll for, how often, and how to execute a task.

    Subclass it and implement :meth:`execute`; everything else has a working default.
    The runtime reads the attributes below; the configuration resolver may override them
    from environment variables or ``worker.ini`` before the worker starts.

    Args:
        task_definition_name: The task type to poll for, or a list of task types polled in
            turn (round-robin) by this one worker.

    Attributes:
        thread_count: How many tasks of this worker may execute at the same time.
        poll_timeout: How long (ms) the server may hold a poll open waiting for a task;
            ``None`` (the default) leaves it to the runtime (2000 ms).
        lease_extend_enabled: Send heartbeats that extend the task's response timeout.
        register_task_def: Register the task definition with the server at start.
        overwrite_task_def: When registering, replace a definition the server already has.
        execution_timeout_seconds: Opt-in limit on one execution; ``None`` means no limit.
    """

    # Class-level defaults keep subclasses that never call ``super().__init__`` usable.
    task_definition_name: str | list[str]
    next_task_index: int = 0
    _task_definition_name_cache: str | None = None
    _domain: str | None = None
    _poll_interval: float = DEFAULT_POLLING_INTERVAL
    _paused: bool = False
    thread_count: int = 1
    poll_timeout: int | None = None
    lease_extend_enabled: bool = False
    register_task_def: bool = False
    overwrite_task_def: bool = True
    strict_schema: bool = False
    execution_timeout_seconds: float | None = None

    def __init__(self, task_definition_name: str | list[str]) -> None:
        self.task_definition_name = task_definition_name
        self.next_task_index = 0
        self._task_definition_name_cache = None
        self._domain = None
        self._poll_interval = DEFAULT_POLLING_INTERVAL
        self._paused = False
        self.thread_count = 1
        self.poll_timeout = None
        self.lease_extend_enabled = False
        self.register_task_def = False
        self.overwrite_task_def = True
        self.strict_schema = False
        self.execution_timeout_seconds = None

    @abc.abstractmethod
    def execute(self, task: Task) -> TaskResult:
        """Execute one task and return its result.

        Returning a result with status ``IN_PROGRESS`` asks the server to hand the task out
        again later. May be an ``async def``; the runtime awaits it on an event loop.

        Args:
            task: The polled task; its input is in ``task.input_data``.

        Returns:
            The task's result, usually built with :meth:`get_task_result_from_task`.
        """

    def get_identity(self) -> str:
        """Return the id this worker reports to the server (``workerid``).

        That is ``worker_id`` when one was configured (env, ``worker.ini``), else the hostname.
        """
        worker_id = getattr(self, "worker_id", None)
        return worker_id if worker_id else socket.gethostname()

    def get_polling_interval_in_seconds(self) -> float:
        """Return the pause between polls, in seconds (``poll_interval`` is in ms)."""
        return (self.poll_interval or DEFAULT_POLLING_INTERVAL) / 1000

    def get_task_definition_name(self) -> str:
        """Return the task type to poll for now (advances round-robin after a cache clear)."""
        return self.task_definition_name_cache

    @property
    def task_definition_names(self) -> list[str]:
        """All task types this worker polls for."""
        if isinstance(self.task_definition_name, list):
            return list(self.task_definition_name)
        return [self.task_definition_name]

    @property
    def task_definition_name_cache(self) -> str:
        """The current task type; computed on first read after each cache clear."""
        if self._task_definition_name_cache is None:
            self._task_definition_name_cache = self.compute_task_definition_name()
        return self._task_definition_name_cache

    def clear_task_definition_name_cache(self) -> None:
        """Forget the current task type, so the next read moves on to the next one."""
        self._task_definition_name_cache = None

    def compute_task_definition_name(self) -> str:
        """Return the next task type: the name itself, or the next one of a list.

        Raises:
            ValueError: ``task_definition_name`` is an empty list.
        """
        names = self.task_definition_name
        if not isinstance(names, list):
            return names
        if not names:
            raise ValueError("task_definition_name is an empty list: give at least one name")
        index = self.next_task_index % len(names)
        self.next_task_index = (index + 1) % len(names)
        return names[index]

    def get_task_result_from_task(self, task: Task) -> TaskResult:
        """Return an empty result for ``task``, addressed to it and signed by this worker."""
        return TaskResult(
            task_id=task.task_id,
            workflow_instance_id=task.workflow_instance_id,
            worker_id=self.get_identity(),
        )

    def get_domain(self) -> str | None:
        """Return the domain this worker polls in (``None``: no domain)."""
        return self.domain

    def paused(self) -> bool:
        """Return True to stop polling for now; by default the configured pause flag."""
        return self._paused

    @property
    def domain(self) -> str | None:
        """The task domain to poll in, or ``None``."""
        return self._domain

    @domain.setter
    def domain(self, value: str | None) -> None:
        self._domain = value

    @property
    def poll_interval(self) -> float:
        """The pause between polls, in milliseconds."""
        return self._poll_interval

    @poll_interval.setter
    def poll_interval(self, value: float) -> None:
        self._poll_interval = validate_poll_interval(value, self._first_task_name())

    def _first_task_name(self) -> str:
        """Name used in messages: the task type, or the first one of a list."""
        names = getattr(self, "task_definition_name", None)
        if isinstance(names, list):
            return str(names[0]) if names else "<no task>"
        return str(names)


WorkerAbc = WorkerInterface
"""The swift-conductor name of :class:`WorkerInterface`."""
