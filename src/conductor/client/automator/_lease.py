"""Lease extension: IN_PROGRESS heartbeats for tasks that run close to their response timeout.

One thread per process sends every heartbeat, so neither user code nor a poll loop can delay
them. A task is tracked from the start of its execution to its end; once it has run for
``LEASE_EXTEND_FRACTION`` of its ``responseTimeoutSeconds`` a heartbeat (``extendLease=true``)
restarts the server's response-timeout clock, and again every such interval until the task ends.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING

from conductor.client.automator._runner_timers import Timer, Timers
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.http.rest import ApiException

if TYPE_CHECKING:
    from conductor.client.http.api.task_resource_api import TaskResourceApi
    from conductor.client.http.models.task import Task

logger = logging.getLogger(__name__)

LEASE_EXTEND_FRACTION = 0.8
"""Heartbeats go out every this fraction of the task's ``responseTimeoutSeconds``."""

LEASE_MIN_INTERVAL_S = 0.5
"""Shortest interval between two heartbeats of one task."""

LEASE_RETRY_S = 0.5
"""Delay before retrying a heartbeat that failed (bounded by the interval)."""

LEASE_READ_TIMEOUT_S = 5.0
"""Read timeout of a heartbeat request: a slow server must not hold up the others for long."""

# Statuses that mean the server no longer has this task running: stop heartbeating it.
_GONE_STATUSES = frozenset({400, 404, 409})


class Lease:
    """The heartbeat schedule of one running task."""

    __slots__ = (
        "client",
        "connect_s",
        "failures",
        "interval_s",
        "stopped",
        "task_id",
        "timer",
        "workflow_instance_id",
    )

    def __init__(
        self, task: Task, client: TaskResourceApi, interval_s: float, connect_s: float
    ) -> None:
        self.task_id = task.task_id
        self.workflow_instance_id = task.workflow_instance_id
        self.client = client
        self.interval_s = interval_s
        self.connect_s = connect_s
        self.failures = 0
        self.stopped = False
        self.timer: Timer | None = None


class LeaseKeeper:
    """Schedules and sends lease-extension heartbeats on its own thread."""

    def __init__(self) -> None:
        self._timers = Timers("conductor-lease")
        self._lock = threading.Lock()
        self._active = 0

    @property
    def active(self) -> int:
        """Number of tasks currently tracked."""
        return self._active

    def track(
        self,
        task: Task,
        client: TaskResourceApi,
        *,
        started_at: float,
        connect_timeout_s: float = 10.0,
    ) -> Lease | None:
        """Start heartbeats for ``task`` if it has a response timeout; returns the lease or None.

        Args:
            task: The task being executed.
            client: The client that sends the heartbeats.
            started_at: ``time.monotonic()`` when the task was handed out (or started).
            connect_timeout_s: Connect timeout of each heartbeat request.
        """
        timeout_s = task.response_timeout_seconds
        if not timeout_s or timeout_s <= 0 or not task.task_id:
            return None
        interval = max(LEASE_MIN_INTERVAL_S, timeout_s * LEASE_EXTEND_FRACTION)
        lease = Lease(task, client, interval, connect_timeout_s)
        with self._lock:
            self._active += 1
            lease.timer = self._timers.call_at(started_at + interval, lambda: self._beat(lease))
        return lease

    def untrack(self, lease: Lease | None) -> None:
        """Stop the heartbeats of ``lease``; idempotent, None is ignored."""
        if lease is None:
            return
        with self._lock:
            if lease.stopped:
                return
            lease.stopped = True
            self._active -= 1
            if lease.timer is not None:
                lease.timer.cancel()

    def close(self) -> None:
        """Stop the lease thread (tests, interpreter shutdown)."""
        self._timers.close()

    def _beat(self, lease: Lease) -> None:
        with self._lock:
            if lease.stopped:
                return
        body = TaskResult(
            task_id=lease.task_id,
            workflow_instance_id=lease.workflow_instance_id,
            status=TaskResultStatus.IN_PROGRESS,
            extend_lease=True,
        )
        try:
            lease.client.update_task(
                body=body, _request_timeout=(lease.connect_s, LEASE_READ_TIMEOUT_S)
            )
        except ApiException as exc:
            self._failed(lease, exc)
            return
        except Exception as exc:
            logger.exception("Unexpected error extending the lease of task %s", lease.task_id)
            self._failed(lease, exc)
            return
        if lease.failures:
            logger.info("Lease extension of task %s works again", lease.task_id)
            lease.failures = 0
        self._schedule(lease, lease.interval_s)

    def _failed(self, lease: Lease, exc: Exception) -> None:
        if isinstance(exc, ApiException) and exc.status in _GONE_STATUSES:
            logger.warning(
                "Stopping lease extension of task %s (workflow %s): the server answered %s %s",
                lease.task_id,
                lease.workflow_instance_id,
                exc.status,
                exc.reason,
            )
            self.untrack(lease)
            return
        lease.failures += 1
        log = logger.warning if lease.failures == 1 else logger.debug
        log(
            "Lease extension of task %s (workflow %s) failed (%s); retrying",
            lease.task_id,
            lease.workflow_instance_id,
            exc,
        )
        self._schedule(lease, min(LEASE_RETRY_S, lease.interval_s))

    def _schedule(self, lease: Lease, delay_s: float) -> None:
        with self._lock:
            if not lease.stopped:
                lease.timer = self._timers.call_later(delay_s, lambda: self._beat(lease))


_keeper: LeaseKeeper | None = None
_keeper_pid = 0
_keeper_lock = threading.Lock()


def lease_keeper() -> LeaseKeeper:
    """The process-wide keeper; a forked child gets its own (threads do not survive a fork)."""
    global _keeper, _keeper_pid
    pid = os.getpid()
    keeper = _keeper
    if keeper is not None and _keeper_pid == pid:
        return keeper
    with _keeper_lock:
        if _keeper is None or _keeper_pid != pid:
            _keeper = LeaseKeeper()
            _keeper_pid = pid
        return _keeper
