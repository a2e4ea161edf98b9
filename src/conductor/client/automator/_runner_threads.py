"""Running a sync worker's tasks on reusable threads, one per busy slot.

A slot runs a chain: execute the task, post its result, and if update-v2 handed out the next
task, execute that one too, until the server has nothing more; then the slot is released.
Threads are started lazily (never more than the slots in use) and reused.

With an execution time limit, the timer thread claims a task that overruns: it reports the
task FAILED and hands the slot to a fresh thread, which posts that result and carries on
with the chain. The overrunning thread is abandoned; when the user code finally returns, its
value is logged and discarded, and the thread ends.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from conductor.client.automator._lease import Lease
    from conductor.client.automator._runner_core import RunnerCore
    from conductor.client.http.models.task import Task
    from conductor.client.http.models.task_result import TaskResult

logger = logging.getLogger(__name__)


class _Watch:
    """One execution under a time limit: whoever acquires ``claim`` first owns the outcome."""

    __slots__ = ("claim", "lease", "started", "task", "thread")

    def __init__(self, task: Task, lease: Lease | None) -> None:
        self.task = task
        self.lease = lease
        self.claim = threading.Lock()
        self.thread = threading.current_thread()
        self.started = time.monotonic()


class ThreadExecutor:
    """Executes task chains of a sync worker on a lazily grown pool of daemon threads.

    Args:
        core: The runner's shared per-task steps.
        name: Prefix of the thread names.
    """

    def __init__(self, core: RunnerCore, name: str) -> None:
        self._core = core
        self._name = name
        self._queue: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._live = 0  # threads serving the queue; abandoned ones are not counted
        self._threads: list[threading.Thread] = []
        self._abandoned: set[threading.Thread] = set()
        self._numbers = itertools.count(1)

    def start(self, task: Task, busy: int) -> None:
        """Run ``task``'s chain in a slot already taken; ``busy`` = slots now in use."""
        self._queue.put(task)
        if self._live < busy:
            self._spawn(None, counted=True)

    def close(self, timeout_s: float = 2.0) -> None:
        """Let idle threads end and wait briefly for them; abandoned threads are left alone."""
        with self._lock:
            live, self._live = self._live, 0
            threads = [t for t in self._threads if t not in self._abandoned]
            self._threads.clear()
        for _ in range(live):
            self._queue.put(None)
        deadline = time.monotonic() + timeout_s
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def _spawn(self, first: Callable[[], bool] | None, *, counted: bool) -> None:
        with self._lock:
            if counted:
                self._live += 1
            thread = threading.Thread(
                target=self._serve,
                args=(first,),
                name=f"{self._name}-{next(self._numbers)}",
                daemon=True,
            )
            self._threads.append(thread)
        thread.start()

    def _serve(self, first: Callable[[], bool] | None) -> None:
        if first is not None and not first():
            return
        get = self._queue.get
        run = self._run_chain
        while True:
            task = get()
            if task is None or not run(task):
                return

    def _run_chain(self, task: Task, result: TaskResult | None = None) -> bool:
        """Run ``task`` (or post its ``result``) and what follows; False if abandoned."""
        core = self._core
        try:
            while True:
                if result is None:
                    result = self._execute(task)
                    if result is None:
                        return False  # overran its time limit: the slot has a new thread
                following = core.post(result, task)
                if following is None:
                    break
                task, result = following, None
        except Exception:
            logger.exception("Unexpected error running task %s; releasing its slot", task.task_id)
        core.slots.release()
        return True

    def _execute(self, task: Task) -> TaskResult | None:
        core = self._core
        lease = core.lease_start(task) if core.lease is not None else None
        limit = core.time_limit_s
        if limit is None:
            try:
                return core.execute(task)
            finally:
                core.lease_stop(lease)
        watch = _Watch(task, lease)
        timer = core.timers.call_later(limit, lambda: self._expired(watch))
        result = core.execute(task)
        timer.cancel()
        if watch.claim.acquire(blocking=False):
            core.lease_stop(lease)
            return result
        logger.warning(
            "Task %s (workflow %s) returned %.1f s after it started, past its time limit; "
            "its result was discarded (status %s, output %.200r)",
            task.task_id,
            task.workflow_instance_id,
            time.monotonic() - watch.started,
            result.status,
            result.output_data,
        )
        return None

    def _expired(self, watch: _Watch) -> None:
        """On the timer thread: claim an overrunning task and move its slot to a new thread."""
        if not watch.claim.acquire(blocking=False):
            return  # it finished in time
        core = self._core
        core.lease_stop(watch.lease)
        result = core.time_limit_result(watch.task)
        with self._lock:
            self._abandoned.add(watch.thread)
        self._spawn(lambda: self._run_chain(watch.task, result), counted=False)
