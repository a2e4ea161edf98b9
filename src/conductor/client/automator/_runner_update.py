"""Posting task results: update-v2 (with the next task in the reply), v1 fallback, retries.

A result is retried with capped exponential backoff until a deadline (generous by default),
shortened to the drain deadline once the runner stops. It is given up only then, or when the
server answers with a status that can never succeed, and always with an ERROR naming the task
and workflow. Failed attempts are logged once per streak, not once per attempt.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

from conductor.client.automator._backoff import Backoff
from conductor.client.http._overrides import replaced
from conductor.client.http.api._operation import invoke_async
from conductor.client.http.api.task_resource_api import UPDATE_TASK_V2, TaskResourceApi
from conductor.client.http.rest import ApiException

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from conductor.client.automator._runner_state import StopState
    from conductor.client.http.models.task import Task
    from conductor.client.http.models.task_result import TaskResult
    from conductor.client.telemetry.metrics_collector import MetricsCollector

logger = logging.getLogger(__name__)

DEFAULT_UPDATE_DEADLINE_S = 600.0
"""How long a result is retried before it is given up (the server then times the task out)."""

UPDATE_BACKOFF = Backoff(base_s=0.25, cap_s=10.0)
"""Delays between attempts to post one result."""

NON_RETRYABLE_STATUSES = frozenset({400, 404, 405, 409, 410, 413, 414, 415, 422})
"""Answers that will not change on a retry (408 and 429 are deliberately absent)."""

# As defined by the API: a test double patched onto the class later is told apart from it.
_STOCK_UPDATE_TASK_V2 = TaskResourceApi.update_task_v2

# update-v2 answers these when the server predates the endpoint.
_V2_MISSING_STATUSES = frozenset({404, 405})


class Delivery:
    """Retry state of one result whose first attempt failed."""

    __slots__ = ("backoff", "deadline", "result", "started", "task_type")

    def __init__(self, result: TaskResult, task_type: str, deadline_s: float) -> None:
        self.result = result
        self.task_type = task_type
        self.started = time.monotonic()
        self.deadline = self.started + deadline_s
        self.backoff = UPDATE_BACKOFF


class UpdateSender:
    """Posts results for one runner; shared by all its slots (thread-safe).

    Args:
        client: The task API client.
        stop: The runner's stop state (after stop, results go to v1 so no new task comes back).
        metrics: Collector for update timings and errors, or None.
        deadline_s: How long one result is retried.
    """

    def __init__(
        self,
        client: TaskResourceApi,
        stop: StopState,
        metrics: MetricsCollector | None = None,
        *,
        deadline_s: float = DEFAULT_UPDATE_DEADLINE_S,
    ) -> None:
        self._client = client
        self._stop = stop
        self._metrics = metrics
        self.deadline_s = deadline_s
        self.use_v2 = True
        self._lock = threading.Lock()
        self._failed_attempts = 0  # runner-wide streak, for once-per-streak logging

    # --- one attempt ----------------------------------------------------------------------------

    def post(self, result: TaskResult, task_type: str) -> Task | None:
        """Post ``result`` once; return the next task update-v2 handed out, if any.

        Raises:
            ApiException: The attempt failed (anything else means a bug, and propagates too).
        """
        started = time.perf_counter()
        try:
            task = self._post(result)
        except Exception as exc:
            self._failed(task_type, exc)
            raise
        self._delivered(task_type, started)
        return task

    async def post_async(
        self,
        result: TaskResult,
        task_type: str,
        run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]],
    ) -> Task | None:
        """:meth:`post` from an event loop: update-v2 is awaited there, without a thread.

        ``run_blocking`` runs a callable in a thread; the plain :meth:`post` goes through it
        when update-v2 is not in use or ``update_task_v2`` was replaced (a test double).
        """
        client = self._client
        if (
            not self.use_v2
            or self._stop.requested
            or replaced(client, "update_task_v2", _STOCK_UPDATE_TASK_V2)
        ):
            task: Task | None = await run_blocking(lambda: self.post(result, task_type))
            return task
        started = time.perf_counter()
        try:
            try:
                task = await invoke_async(
                    client.api_client, UPDATE_TASK_V2, (result,), {}, run_blocking
                )
            except ApiException as exc:
                if exc.status not in _V2_MISSING_STATUSES:
                    raise
                missing = exc  # the name of an except clause ends with the clause
                await run_blocking(lambda: self._v1_instead(result, missing))
                task = None
        except Exception as exc:
            self._failed(task_type, exc)
            raise
        self._delivered(task_type, started)
        return task if task is not None and task.task_id else None

    def _failed(self, task_type: str, exc: Exception) -> None:
        if self._metrics is not None:
            self._metrics.increment_task_update_error(task_type, exc)

    def _delivered(self, task_type: str, started: float) -> None:
        if self._metrics is not None:
            self._metrics.record_task_update_time(task_type, time.perf_counter() - started)
        if self._failed_attempts:
            self._streak_ended()

    def _post(self, result: TaskResult) -> Task | None:
        client = self._client
        if self.use_v2 and not self._stop.requested:  # after stop: v1, so nothing new comes back
            try:
                task = client.update_task_v2(body=result)
            except ApiException as exc:
                if exc.status not in _V2_MISSING_STATUSES:
                    raise
                self._v1_instead(result, exc)
                return None
            return task if task is not None and task.task_id else None
        client.update_task(body=result)
        return None

    def _v1_instead(self, result: TaskResult, exc: ApiException) -> None:
        """update-v2 answered 404/405: either the server lacks it or the task is unknown."""
        self._client.update_task(body=result)  # tells which: raises if the task is unknown
        self._switch_to_v1(exc)

    def _switch_to_v1(self, exc: ApiException) -> None:
        with self._lock:
            if not self.use_v2:
                return
            self.use_v2 = False
        logger.info(
            "The server answered HTTP %s to POST /tasks/update-v2; posting results with "
            "POST /tasks from now on",
            exc.status,
        )

    # --- retries --------------------------------------------------------------------------------

    def send(self, result: TaskResult, task_type: str) -> Task | None:
        """Post ``result``, retrying until it is delivered, rejected or out of time.

        Returns:
            The next task update-v2 handed out, or None.
        """
        try:
            return self.post(result, task_type)
        except Exception as exc:
            delivery = Delivery(result, task_type, self.deadline_s)
            delay = self.retry_delay(delivery, exc)
        while delay is not None:
            self._pause(delay)
            try:
                return self.post(result, task_type)
            except Exception as exc:
                delay = self.retry_delay(delivery, exc)
        return None

    def _pause(self, delay_s: float) -> None:
        """Sleep ``delay_s``; a stop arriving meanwhile cuts it at the drain deadline."""
        end = time.monotonic() + delay_s
        if not self._stop.stopping and not self._stop.wait(delay_s):
            return
        remaining = min(end, self._stop.drain_deadline) - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)

    def pause_left_s(self, end: float) -> float:
        """Seconds left of a pause that ends at ``end``, cut at the drain deadline."""
        return min(end, self._stop.drain_deadline) - time.monotonic()

    def retry_delay(self, delivery: Delivery, exc: BaseException) -> float | None:
        """Account for a failed attempt; return the delay before the next one, or None to stop.

        None means the result was delivered after all (a 2xx whose body could not be read),
        rejected for good, or out of time; each case is logged here.
        """
        result = delivery.result
        status = exc.status if isinstance(exc, ApiException) else None
        if status is not None and 200 <= status < 300:
            logger.warning(
                "The server accepted the result of task %s (workflow %s) but its reply could not "
                "be read (%s); a task it may have handed out with it is retried by the server "
                "after that task's response timeout",
                result.task_id,
                result.workflow_instance_id,
                exc,
            )
            return None
        if status in NON_RETRYABLE_STATUSES:
            logger.error(
                "The server rejected the result of task %s (workflow %s, status %s): %s; "
                "not retrying",
                result.task_id,
                result.workflow_instance_id,
                result.status,
                exc,
            )
            return None
        self._streak_failed(exc)
        now = time.monotonic()
        deadline = min(delivery.deadline, self._stop.drain_deadline)
        if now >= deadline:
            logger.error(
                "Giving up on the result of task %s (workflow %s, status %s) after %d attempts "
                "in %.1f s; last error: %s",
                result.task_id,
                result.workflow_instance_id,
                result.status,
                delivery.backoff.failures + 1,  # every retry counted one failure; plus this
                now - delivery.started,
                exc,
            )
            return None
        delivery.backoff = delivery.backoff.increment()
        return min(delivery.backoff.delay_s(), deadline - now)

    def _streak_failed(self, exc: BaseException) -> None:
        with self._lock:
            self._failed_attempts += 1
            first = self._failed_attempts == 1
        if first:
            if isinstance(exc, ApiException):
                logger.warning(
                    "Posting a task result failed (%s); retrying results for up to %.0f s each "
                    "(further failures are logged at DEBUG until it works again)",
                    exc,
                    self.deadline_s,
                )
            else:
                logger.error("Posting a task result failed unexpectedly; retrying", exc_info=exc)
        else:
            logger.debug("Posting a task result failed again: %s", exc)

    def _streak_ended(self) -> None:
        with self._lock:
            failed, self._failed_attempts = self._failed_attempts, 0
        if failed:
            logger.info("Posting task results works again (after %d failed attempts)", failed)
