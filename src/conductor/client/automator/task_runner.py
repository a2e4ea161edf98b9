"""TaskRunner: one worker in one process, polling, executing and reporting its tasks.

The thread that calls :meth:`TaskRunner.run` is the poll loop. It waits for a free slot, long
polls the server for as many tasks as there are free slots, and hands each task to a slot:
a reusable thread for a plain worker, a coroutine on the runner's event loop for an
``async def`` worker. A slot executes its task, posts the result with update-v2 and runs the
next task the server returns with it, until there is none; then the slot is free again.

Failures are sorted by kind: poll errors back off (logged once per streak), results are
retried until a deadline and never dropped silently, and an error in the loop itself is
logged and the loop continues. :meth:`TaskRunner.stop` only sets a flag (it is safe in a
signal handler): no new polls start, tasks in flight finish and their results are posted,
then :meth:`TaskRunner.run` returns.

Logging is never configured here (``Configuration.apply_logging_config()`` does it on request).
Run outside a TaskHandler in a program that configured no logging, the runner's warnings and
errors still reach stderr, as Python's last resort would print them without the package's
``NullHandler``; any handler the application adds takes over from that fallback.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Callable

from conductor.client.automator._backoff import Backoff
from conductor.client.automator._logging import install_unconfigured_fallback
from conductor.client.automator._runner_parts import Parts, build_parts
from conductor.client.automator._runner_state import StopState
from conductor.client.automator._runner_update import DEFAULT_UPDATE_DEADLINE_S
from conductor.client.automator._task_defs import (
    REGISTER_READ_TIMEOUT_S,
    REQUESTS_PER_DEFINITION,
    register_task_defs,
)
from conductor.client.automator.worker_config import (
    WorkerConfig,
    apply_worker_config,
    describe_worker_config,
    resolve_worker_config,
)
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.worker.worker_interface import WorkerInterface

if TYPE_CHECKING:
    from types import TracebackType

    from conductor.client.configuration.settings.metrics_settings import MetricsSettings
    from conductor.client.http.models.task import Task
    from conductor.client.telemetry.metrics_collector import MetricsCollector

__all__ = ["TaskRunner"]

logger = logging.getLogger(__name__)

DEFAULT_DRAIN_DEADLINE_S = 20.0
"""After stop, how long results of finished tasks may still be retried."""

HEARTBEAT_PERIOD_S = 0.5
"""How often the watchdog calls :attr:`TaskRunner.heartbeat` while the loop is healthy."""

SLOT_WAIT_S = 1.0
"""Longest wait for a free slot before the loop looks at its stop flag again."""

PAUSED_CHECK_MIN_S = 0.1
"""Shortest pause between two looks at ``paused()`` of a paused worker."""

_HEALTH_SLACK_S = 2.0  # how late a loop step may be before the heartbeat stops
LOOP_ERROR_BACKOFF = Backoff(base_s=1.0, cap_s=30.0)
"""Delays after an unexpected error in the loop itself (a bug, or user code such as paused())."""


class TaskRunner:
    """Runs one worker: poll, execute and update, until :meth:`stop`.

    Args:
        worker: The worker to run.
        configuration: Server address, credentials and timeouts; a default one if None.
        metrics_settings: Turns metrics on (needs the ``metrics`` extra).
        update_deadline_s: How long a task's result is retried before it is given up.
        drain_deadline_s: After :meth:`stop`, how long results may still be retried.

    Attributes:
        worker: The worker.
        configuration: The configuration in use.
        metrics_collector: The metrics collector, or None.
        task_client: The task API client (no connection is made until the first poll).
        heartbeat: Called about twice a second from the runner's watchdog thread while the
            poll loop is healthy, including while every slot is busy.
        worker_config: The worker's effective configuration and where each value came from.

    Raises:
        TypeError: ``worker`` is not a WorkerInterface, or ``configuration`` not a Configuration.
        ValueError: A worker setting from the environment or worker.ini is invalid.
    """

    def __init__(
        self,
        worker: WorkerInterface,
        configuration: Configuration | None = None,
        metrics_settings: MetricsSettings | None = None,
        *,
        update_deadline_s: float = DEFAULT_UPDATE_DEADLINE_S,
        drain_deadline_s: float = DEFAULT_DRAIN_DEADLINE_S,
    ) -> None:
        if not isinstance(worker, WorkerInterface):
            raise TypeError(
                "TaskRunner needs a WorkerInterface (such as a Worker), "
                f"got {type(worker).__name__}"
            )
        if configuration is None:
            configuration = Configuration()
        elif not isinstance(configuration, Configuration):
            raise TypeError(
                f"configuration must be a Configuration, got {type(configuration).__name__}"
            )
        self.worker = worker
        self.configuration = configuration
        self.metrics_collector = _metrics_collector(metrics_settings)
        self.task_client = TaskResourceApi(ApiClient(configuration=configuration))
        self.heartbeat: Callable[[], None] | None = None
        self.update_deadline_s = update_deadline_s
        self.drain_deadline_s = drain_deadline_s
        self.worker_config: WorkerConfig = resolve_worker_config(worker)
        apply_worker_config(worker, self.worker_config)
        self._running = False
        self._stop = StopState()
        self._parts: Parts | None = None
        self._healthy_until = 0.0
        self._loop_backoff = LOOP_ERROR_BACKOFF
        self._paused_logged = False
        self._heartbeat_failing = False

    # --- public API -----------------------------------------------------------------------------

    def run(self) -> None:
        """Poll, execute and update until :meth:`stop`; then drain and return.

        Errors never end the loop: they are logged, and the loop carries on after a backoff.
        """
        install_unconfigured_fallback()
        parts = self._open()
        self._running = True
        self._log_start(parts)
        parts.timers.call_later(0.0, self._tick)
        try:
            if self.worker.register_task_def and not self._stop.requested:
                self._register_task_defs()
            while not self._stop.requested:
                self._guarded_step(parts)
        finally:
            try:
                self._drain(parts)
            finally:
                self._running = False
                self._close()

    def run_once(self) -> None:
        """One loop iteration: wait (briefly) for a free slot, poll, start what came back.

        Called on its own (not from :meth:`run`), it also waits until the tasks it started
        have finished and their results are posted, so each call is one complete step.
        """
        parts = self._open()
        self._step(parts)
        if not self._running:
            while not parts.slots.wait_idle(SLOT_WAIT_S):
                self._healthy(SLOT_WAIT_S)

    def stop(self) -> None:
        """Ask :meth:`run` to stop polling, finish the tasks in flight and return.

        Only sets a flag, so it is safe to call from a signal handler or another thread.
        """
        self._stop.requested = True

    def __enter__(self) -> TaskRunner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        if not self._running and self._parts is not None:
            try:
                self._drain(self._parts)
            finally:
                self._close()

    # --- the loop -------------------------------------------------------------------------------

    def _guarded_step(self, parts: Parts) -> None:
        try:
            self._step(parts)
        except Exception:
            self._loop_backoff = self._loop_backoff.increment()
            delay = self._loop_backoff.delay_s()
            logger.exception(
                "Unexpected error in the loop of worker %s; continuing in %.1f s",
                self.worker.task_definition_names,
                delay,
            )
            self._healthy(delay)
            self._stop.wait(delay)
        else:
            self._loop_backoff = self._loop_backoff.reset()

    def _step(self, parts: Parts) -> None:
        self._healthy(SLOT_WAIT_S)
        free = parts.slots.wait_free(SLOT_WAIT_S)
        if self._stop.requested:
            self._stop.begin(self.drain_deadline_s)
            return
        if free <= 0:
            return
        worker = self.worker
        try:
            task_type = worker.get_task_definition_name()
            if self._paused(task_type):
                delay = max(worker.get_polling_interval_in_seconds(), PAUSED_CHECK_MIN_S)
                self._healthy(delay)
                self._stop.wait(delay)
                return
            poller = parts.poller
            self._healthy(poller.blocking_s)
            started = time.monotonic()
            tasks = poller.poll(task_type, free)
            if tasks:
                self._dispatch(parts, tasks)
                return
            # poll_interval spaces out empty polls; a long poll that waited that long is enough.
            since = time.monotonic() - started
            delay = max(poller.error_delay_s, worker.get_polling_interval_in_seconds() - since)
            if delay > 0:
                self._healthy(delay)
                self._stop.wait(delay)
        finally:
            worker.clear_task_definition_name_cache()

    def _dispatch(self, parts: Parts, tasks: list[Task]) -> None:
        slots, start = parts.slots, parts.executor.start
        for task in tasks:
            if not task.task_id:
                logger.warning("Ignoring a polled task without a taskId: %r", task)
                continue
            if slots.busy >= slots.size:
                # The server handed out more than asked for; they are ours now, so run them too.
                logger.warning(
                    "Got more tasks than free slots; task %s waits for one", task.task_id
                )
                while slots.busy >= slots.size:
                    self._healthy(SLOT_WAIT_S)
                    slots.wait_free(SLOT_WAIT_S)
            busy = slots.take()
            try:
                start(task, busy)
            except BaseException:
                slots.release()
                raise

    def _paused(self, task_type: str) -> bool:
        flag = self.worker.paused
        # Classic workers override the paused() method; a modern one may set a plain attribute.
        paused = bool(flag() if callable(flag) else flag)
        if paused:
            if self.metrics_collector is not None:
                self.metrics_collector.increment_task_paused(task_type)
            if not self._paused_logged:
                logger.info("Worker %s is paused: not polling", self.worker.task_definition_names)
        elif self._paused_logged:
            logger.info("Worker %s is no longer paused", self.worker.task_definition_names)
        self._paused_logged = paused
        return paused

    def _healthy(self, blocking_s: float) -> None:
        """Note that the loop is about to block for at most ``blocking_s``."""
        self._healthy_until = time.monotonic() + blocking_s + _HEALTH_SLACK_S

    def _tick(self) -> None:
        """On the watchdog thread: notice stop() and call the heartbeat hook."""
        if self._stop.requested:
            self._stop.begin(self.drain_deadline_s)
        hook = self.heartbeat
        if hook is not None and time.monotonic() <= self._healthy_until:
            try:
                hook()
            except Exception:
                if not self._heartbeat_failing:
                    logger.exception("The runner's heartbeat hook failed")
                self._heartbeat_failing = True
            else:
                self._heartbeat_failing = False
        parts = self._parts
        if self._running and parts is not None:
            parts.timers.call_later(HEARTBEAT_PERIOD_S, self._tick)

    # --- lifecycle ------------------------------------------------------------------------------

    def _open(self) -> Parts:
        if self._parts is None:
            self._parts = build_parts(
                self.worker,
                self.task_client,
                self._stop,
                metrics=self.metrics_collector,
                update_deadline_s=self.update_deadline_s,
                connect_timeout_s=self.configuration.connect_timeout,
            )
        return self._parts

    def _log_start(self, parts: Parts) -> None:
        worker = self.worker
        logger.info(
            "Starting %s; %s, %d slot(s), long poll %d ms, polling interval %g ms, "
            "time limit %s, lease extension %s",
            describe_worker_config(self.worker_config),
            "asyncio" if parts.is_async else "threads",
            parts.slots.size,
            parts.poller.wait_ms,
            worker.get_polling_interval_in_seconds() * 1000,
            f"{parts.core.time_limit_s:g} s" if parts.core.time_limit_s else "none",
            "on" if parts.core.lease is not None else "off",
        )

    def _register_task_defs(self) -> None:
        config = self.configuration
        timeout = (config.connect_timeout, REGISTER_READ_TIMEOUT_S)
        # The loop is blocked meanwhile, legitimately: keep the heartbeat going until then.
        attempts = (config.max_retries + 1) * REQUESTS_PER_DEFINITION
        self._healthy(attempts * sum(timeout) * len(self.worker.task_definition_names))
        api_client = getattr(self.task_client, "api_client", None)  # tests may swap the client
        try:
            if isinstance(api_client, ApiClient):
                register_task_defs(self.worker, api_client, request_timeout=timeout)
                return
            with ApiClient(configuration=config) as own_client:
                register_task_defs(self.worker, own_client, request_timeout=timeout)
        except Exception:
            logger.exception(
                "Registering the task definitions of worker %s failed; it runs anyway",
                self.worker.task_definition_names,
            )

    def _drain(self, parts: Parts) -> None:
        self._stop.begin(self.drain_deadline_s)
        busy = parts.slots.busy
        if busy:
            logger.info(
                "Stopping worker %s: waiting for %d task(s) in flight",
                self.worker.task_definition_names,
                busy,
            )
        while not parts.slots.wait_idle(SLOT_WAIT_S):
            self._healthy(SLOT_WAIT_S)
        logger.info("Worker %s stopped", self.worker.task_definition_names)

    def _close(self) -> None:
        parts, self._parts = self._parts, None
        if parts is None:
            return
        parts.close()
        api_client = getattr(self.task_client, "api_client", None)  # tests may swap the client
        if isinstance(api_client, ApiClient):
            api_client.close()


def _metrics_collector(settings: MetricsSettings | None) -> MetricsCollector | None:
    if settings is None:
        return None
    # Imported here: prometheus-client is an optional extra.
    from conductor.client.telemetry.metrics_collector import MetricsCollector

    return MetricsCollector(settings)
