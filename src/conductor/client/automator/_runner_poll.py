"""Long polling for free slots, with error backoff logged once per streak."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from conductor.client.automator._backoff import Backoff
from conductor.client.automator._config_values import DEFAULT_LONG_POLL_MS, MAX_LONG_POLL_MS
from conductor.client.http.rest import ApiException, AuthorizationException

if TYPE_CHECKING:
    from conductor.client.http.api.task_resource_api import TaskResourceApi
    from conductor.client.http.models.task import Task
    from conductor.client.telemetry.metrics_collector import MetricsCollector
    from conductor.client.worker.worker_interface import WorkerInterface

logger = logging.getLogger(__name__)

MIN_LONG_POLL_MS = 100
"""Lower bound when the default wait is shared between several task names."""

LONG_POLL_READ_MARGIN_S = 5.0
"""Read timeout of a long poll beyond the wait itself."""

POLL_BACKOFF = Backoff(base_s=0.1, cap_s=10.0)
"""Delays between polls that failed (connection, 5xx, 429, unreadable reply)."""

AUTH_BACKOFF = Backoff(base_s=2.0, cap_s=60.0)
"""Delays between polls the server refused (401/403): a retry rarely helps soon."""

# A server without the batch poll answers these; the single poll then stands in for it.
_BATCH_MISSING_STATUSES = frozenset({404, 405})

# (task names, poll_timeout) pairs already warned about as above the server's limit.
_capped_warned: set[tuple[tuple[str, ...], int]] = set()
_capped_lock = threading.Lock()


def long_poll_ms(worker: WorkerInterface) -> int:
    """The batch-poll ``timeout`` (ms): the worker's ``poll_timeout``, or the default if None.

    An explicit value is used as given, capped at the server's limit (warned about once). The
    default wait is shared between a worker's task names, which are polled in turn.
    """
    value: int | None = worker.poll_timeout
    if value is None:
        names = max(1, len(worker.task_definition_names))
        return max(MIN_LONG_POLL_MS, DEFAULT_LONG_POLL_MS // names)
    wait = int(value)
    if wait > MAX_LONG_POLL_MS:
        _warn_capped(worker.task_definition_names, wait)
        return MAX_LONG_POLL_MS
    return max(0, wait)


def _warn_capped(names: list[str], wait_ms: int) -> None:
    key = (tuple(names), wait_ms)
    with _capped_lock:
        if key in _capped_warned:
            return
        _capped_warned.add(key)
    logger.warning(
        "poll_timeout=%s ms of worker %s is above the server's limit; using %s ms",
        wait_ms,
        names,
        MAX_LONG_POLL_MS,
    )


class Poller:
    """Batch polls for one runner; never raises for server or transport trouble.

    A server without the batch poll (404/405) is polled with the single poll instead, for good.

    Args:
        worker: The worker (identity and domain are read on every poll).
        client: The task API client.
        metrics: Collector, or None.
        wait_ms: Long-poll wait sent as ``timeout``.
        connect_timeout_s: Connect timeout of a poll request.
    """

    def __init__(
        self,
        worker: WorkerInterface,
        client: TaskResourceApi,
        metrics: MetricsCollector | None,
        *,
        wait_ms: int,
        connect_timeout_s: float,
    ) -> None:
        self._worker = worker
        self._client = client
        self._metrics = metrics
        self.wait_ms = wait_ms
        self.request_timeout = (connect_timeout_s, wait_ms / 1000.0 + LONG_POLL_READ_MARGIN_S)
        self.single = False  # True once the server turned out to lack the batch poll
        self._backoff = POLL_BACKOFF
        self._failures = 0
        self._failing_since = 0.0
        self._failure_kind = ""

    @property
    def blocking_s(self) -> float:
        """Longest time one poll may block (connect plus read timeout)."""
        return self.request_timeout[0] + self.request_timeout[1]

    @property
    def error_delay_s(self) -> float:
        """Delay before the next poll after a failure; 0 while polls succeed."""
        return self._backoff.delay_s()

    def poll(self, task_type: str, count: int) -> list[Task]:
        """Ask for up to ``count`` tasks, waiting up to ``wait_ms`` on the server for one."""
        worker = self._worker
        metrics = self._metrics
        domain = worker.get_domain()
        if metrics is not None:
            metrics.increment_task_poll(task_type)
        started = time.perf_counter()
        try:
            tasks = self._request(task_type, worker.get_identity(), domain or None, count)
        except Exception as exc:
            self._failed(task_type, exc)
            return []
        if metrics is not None:
            metrics.record_task_poll_time(task_type, time.perf_counter() - started)
            if not tasks:
                metrics.increment_task_poll_empty(task_type)
        if self._failures:
            self._recovered(task_type)
        return tasks or []

    def _request(
        self, task_type: str, worker_id: str, domain: str | None, count: int
    ) -> list[Task]:
        client = self._client
        if not self.single:
            try:
                return client.batch_poll(
                    task_type,
                    workerid=worker_id,
                    domain=domain,
                    count=count,
                    timeout=self.wait_ms,
                    _request_timeout=self.request_timeout,
                )
            except AuthorizationException:
                raise
            except ApiException as exc:
                if exc.status not in _BATCH_MISSING_STATUSES:
                    raise
                tasks = self._single_poll(task_type, worker_id, domain)  # raises if missing too
                self.single = True
                logger.info(
                    "The server answered HTTP %s to the batch poll; polling %s one task at a "
                    "time from now on",
                    exc.status,
                    task_type,
                )
                return tasks
        return self._single_poll(task_type, worker_id, domain)

    def _single_poll(self, task_type: str, worker_id: str, domain: str | None) -> list[Task]:
        task = self._client.poll(
            task_type, workerid=worker_id, domain=domain, _request_timeout=self.request_timeout
        )
        return [task] if task is not None and task.task_id else []

    def _failed(self, task_type: str, exc: Exception) -> None:
        if self._metrics is not None:
            self._metrics.increment_task_poll_error(task_type, exc)
        auth = isinstance(exc, AuthorizationException)
        kind = "auth" if auth else "api" if isinstance(exc, ApiException) else "bug"
        self._failures += 1
        if self._failures == 1:
            self._failing_since = time.monotonic()
        if kind != self._failure_kind:
            self._backoff = AUTH_BACKOFF if auth else POLL_BACKOFF
        self._backoff = self._backoff.increment()
        if kind == self._failure_kind:
            logger.debug("Polling %s failed again: %s", task_type, exc)
            return
        self._failure_kind = kind
        if auth:
            logger.error(
                "Polling %s was refused: %s; check the key id/secret and the application's "
                "permissions. Retrying with backoff up to %g s",
                task_type,
                exc,
                self._backoff.cap_s,
            )
        elif kind == "api":
            logger.warning(
                "Polling %s failed: %s; retrying with backoff up to %g s "
                "(logged again when it recovers)",
                task_type,
                exc,
                self._backoff.cap_s,
            )
        else:
            logger.error("Polling %s failed unexpectedly; retrying", task_type, exc_info=exc)

    def _recovered(self, task_type: str) -> None:
        logger.info(
            "Polling %s works again after %d failed attempts in %.1f s",
            task_type,
            self._failures,
            time.monotonic() - self._failing_since,
        )
        self._backoff = POLL_BACKOFF
        self._failures = 0
        self._failure_kind = ""
