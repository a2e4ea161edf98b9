"""Assembling a runner's machinery: slots, timers, result sender, executor and poller."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from conductor.client.automator._lease import lease_keeper
from conductor.client.automator._runner_core import RunnerCore
from conductor.client.automator._runner_poll import Poller, long_poll_ms
from conductor.client.automator._runner_state import Slots, StopState
from conductor.client.automator._runner_threads import ThreadExecutor
from conductor.client.automator._runner_timers import Timers
from conductor.client.automator._runner_update import UpdateSender
from conductor.client.worker._execution import is_async_worker

if TYPE_CHECKING:
    from conductor.client.automator._runner_async import AsyncExecutor
    from conductor.client.http.api.task_resource_api import TaskResourceApi
    from conductor.client.telemetry.metrics_collector import MetricsCollector
    from conductor.client.worker.worker_interface import WorkerInterface

Executor = Union[ThreadExecutor, "AsyncExecutor"]


class Parts:
    """The machinery of a running runner, built on first use and closed when run() ends."""

    def __init__(
        self, slots: Slots, timers: Timers, core: RunnerCore, executor: Executor, poller: Poller
    ) -> None:
        self.slots = slots
        self.timers = timers
        self.core = core
        self.executor = executor
        self.poller = poller

    @property
    def is_async(self) -> bool:
        """True when tasks run as coroutines on an event loop."""
        return not isinstance(self.executor, ThreadExecutor)

    def close(self) -> None:
        """Stop the executor's threads (or loop) and the timer thread."""
        self.executor.close()
        self.timers.close()


def build_parts(
    worker: WorkerInterface,
    client: TaskResourceApi,
    stop: StopState,
    *,
    metrics: MetricsCollector | None,
    update_deadline_s: float,
    connect_timeout_s: float,
) -> Parts:
    """Build the machinery that runs ``worker`` (threads start lazily, on first use)."""
    name = f"conductor-{worker.task_definition_names[0]}"
    slots = Slots(max(1, int(worker.thread_count or 1)))
    timers = Timers(f"{name}-watchdog")
    sender = UpdateSender(client, stop, metrics, deadline_s=update_deadline_s)
    limit = worker.execution_timeout_seconds
    core = RunnerCore(
        worker,
        client,
        slots,
        sender,
        stop,
        timers,
        metrics=metrics,
        lease=lease_keeper() if worker.lease_extend_enabled else None,
        time_limit_s=float(limit) if limit else None,
        connect_timeout_s=connect_timeout_s,
    )
    executor: Executor
    if is_async_worker(worker):
        # Imported here: only async workers need the event loop machinery.
        from conductor.client.automator._runner_async import AsyncExecutor

        executor = AsyncExecutor(core, name)
    else:
        executor = ThreadExecutor(core, name)
    poller = Poller(
        worker,
        client,
        metrics,
        wait_ms=long_poll_ms(worker),
        connect_timeout_s=connect_timeout_s,
    )
    return Parts(slots, timers, core, executor, poller)
