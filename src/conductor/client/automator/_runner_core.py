"""What every slot needs to run a task: execution guards, results of last resort, lease, metrics.

Shared by the thread-pool and the asyncio executors, so both report the same results.
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from typing import TYPE_CHECKING

from conductor.client.http.models.task_exec_log import TaskExecLog
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker._execution import Execution, run_task

if TYPE_CHECKING:
    from conductor.client.automator._lease import Lease, LeaseKeeper
    from conductor.client.automator._runner_state import Slots, StopState
    from conductor.client.automator._runner_timers import Timers
    from conductor.client.automator._runner_update import UpdateSender
    from conductor.client.http.api.task_resource_api import TaskResourceApi
    from conductor.client.http.models.task import Task
    from conductor.client.telemetry.metrics_collector import MetricsCollector
    from conductor.client.worker.worker_interface import WorkerInterface

logger = logging.getLogger(__name__)


class RunnerCore:
    """The collaborators of one runner's slots, and the per-task steps they share.

    Args:
        worker: The worker.
        client: Task API client (lease heartbeats).
        slots: Slot accounting; a finished chain releases its slot here.
        sender: Posts results.
        stop: The runner's stop state.
        timers: The runner's timer thread (execution time limits of thread workers).
        metrics: Collector, or None.
        lease: The process's lease keeper when the worker extends leases, else None.
        time_limit_s: The worker's execution time limit, or None.
        connect_timeout_s: Connect timeout for lease heartbeats.
    """

    def __init__(
        self,
        worker: WorkerInterface,
        client: TaskResourceApi,
        slots: Slots,
        sender: UpdateSender,
        stop: StopState,
        timers: Timers,
        *,
        metrics: MetricsCollector | None = None,
        lease: LeaseKeeper | None = None,
        time_limit_s: float | None = None,
        connect_timeout_s: float = 10.0,
    ) -> None:
        self.worker = worker
        self.client = client
        self.slots = slots
        self.sender = sender
        self.stop = stop
        self.timers = timers
        self.metrics = metrics
        self.lease = lease
        self.time_limit_s = time_limit_s
        self.connect_timeout_s = connect_timeout_s

    def task_type(self, task: Task) -> str:
        """The task's type, for metrics and logs."""
        return task.task_def_name or task.task_type or self.worker.get_task_definition_name()

    # --- lease ----------------------------------------------------------------------------------

    def lease_start(self, task: Task) -> Lease | None:
        """Begin lease heartbeats for ``task`` when the worker asks for them."""
        if self.lease is None:
            return None
        return self.lease.track(
            task,
            self.client,
            started_at=time.monotonic(),
            connect_timeout_s=self.connect_timeout_s,
        )

    def lease_stop(self, lease: Lease | None) -> None:
        """End the heartbeats of a task that finished executing."""
        if lease is not None and self.lease is not None:
            self.lease.untrack(lease)

    # --- execution ------------------------------------------------------------------------------

    def execute(self, task: Task) -> TaskResult:
        """Run a sync worker on ``task`` in this thread; always returns a result."""
        metrics = self.metrics
        started = time.perf_counter()
        if metrics is not None:
            metrics.increment_task_execution(self.task_type(task))
        try:
            execution = run_task(self.worker, task)
        except Exception as exc:  # run_task promises not to raise; keep the slot alive anyway
            execution = self.escaped(task, exc)
        return self.checked(task, execution.result, started, execution.error)

    def escaped(self, task: Task, exc: Exception) -> Execution:
        """The outcome of an execution whose exception escaped the runtime (a bug)."""
        logger.exception("Executing task %s raised out of the runtime", task.task_id)
        reason = f"{type(exc).__name__}: {exc}"
        return Execution(self.failed_result(task, reason, with_traceback=True), exc)

    def checked(
        self, task: Task, result: object, started: float, error: BaseException | None = None
    ) -> TaskResult:
        """Make sure ``result`` is a TaskResult addressed to ``task``; record metrics.

        ``error`` is the exception that failed the task, if any (the metrics label).
        """
        if not isinstance(result, TaskResult):
            reason = f"worker returned {type(result).__name__}, not a TaskResult"
            logger.error(
                "Worker for %s returned %s instead of a TaskResult for task %s",
                self.task_type(task),
                type(result).__name__,
                task.task_id,
            )
            result = self.failed_result(task, reason)
            error = error or TypeError(reason)
        if result.task_id is None:
            result.task_id = task.task_id
        if result.workflow_instance_id is None:
            result.workflow_instance_id = task.workflow_instance_id
        metrics = self.metrics
        if metrics is not None:
            self._record(task, result, time.perf_counter() - started, error, metrics)
        return result

    def _record(
        self,
        task: Task,
        result: TaskResult,
        elapsed_s: float,
        error: BaseException | None,
        metrics: MetricsCollector,
    ) -> None:
        task_type = self.task_type(task)
        metrics.record_task_execute_time(task_type, elapsed_s)
        if error is not None:
            metrics.increment_task_execution_error(task_type, error)
        try:
            size = len(json.dumps(result.output_data, separators=(",", ":"), default=str))
        except (TypeError, ValueError):
            logger.debug("Could not measure the output size of task %s", task.task_id)
        else:
            metrics.record_task_result_payload_size(task_type, size)

    def failed_result(self, task: Task, reason: str, *, with_traceback: bool = False) -> TaskResult:
        """A FAILED result for ``task``, built by the runtime rather than the worker."""
        text = traceback.format_exc() if with_traceback else reason
        return TaskResult(
            task_id=task.task_id,
            workflow_instance_id=task.workflow_instance_id,
            worker_id=self._identity(),
            status=TaskResultStatus.FAILED,
            reason_for_incompletion=reason[:500],
            logs=[TaskExecLog(log=text, task_id=task.task_id, created_time=_now_ms())],
        )

    def time_limit_result(self, task: Task) -> TaskResult:
        """The result reported for a task that ran past the worker's time limit."""
        limit = self.time_limit_s
        task_type = self.task_type(task)
        logger.error(
            "Task %s (workflow %s) of %s exceeded its execution time limit of %g s; "
            "reporting it FAILED and freeing its slot",
            task.task_id,
            task.workflow_instance_id,
            task_type,
            limit,
        )
        if self.metrics is not None:
            self.metrics.increment_task_execution_error(task_type, TimeoutError)
        return self.failed_result(task, f"execution exceeded {limit:g} s")

    def post(self, result: TaskResult, task: Task) -> Task | None:
        """Post ``result`` (retrying); return the next task update-v2 handed out, if any."""
        return self.sender.send(result, self.task_type(task))

    def _identity(self) -> str | None:
        try:
            return self.worker.get_identity()
        except Exception:
            logger.exception("get_identity() of worker %r failed", self.worker)
            return None


def _now_ms() -> int:
    return int(time.time() * 1000)
