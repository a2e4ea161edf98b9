"""Running an ``async def`` worker's tasks as coroutines on one event loop thread.

Each busy slot is one asyncio task running a chain (execute, post, next task from update-v2...).
Results are posted by a few posting threads, since the HTTP client blocks: a thread posts a
result, decodes the reply, and hands the outcome back to the loop, waking it once for however
many outcomes arrived meanwhile. Retry pauses are ``asyncio.sleep`` so they hold no thread.
An execution time limit cancels the coroutine.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import queue
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

from conductor.client.automator._runner_update import Delivery
from conductor.client.worker._execution import Execution, run_task_async

if TYPE_CHECKING:
    from conductor.client.automator._runner_core import RunnerCore
    from conductor.client.http.models.task import Task
    from conductor.client.http.models.task_result import TaskResult

logger = logging.getLogger(__name__)

# A result to post: where its outcome goes, the result, its task type.
_Job = tuple["asyncio.Future[Task | None]", "TaskResult", str]
# A finished post: the future, and (True, next task) or (False, the exception).
_Outcome = tuple["asyncio.Future[Task | None]", bool, Any]

MAX_POST_THREADS = 4
"""Threads posting results for one event loop: posts are short, so a few serve many slots
(measured: 4 beat 8 and more for 50 concurrent coroutines; extra threads only add GIL churn)."""

_PAUSE_SLICE_S = 0.25  # retry pauses re-check the drain deadline this often
_SHUTDOWN_GRACE_S = 1.0  # how long leftover coroutines get to react to cancellation


class AsyncExecutor:
    """Executes task chains of an async worker on a dedicated event loop thread.

    Args:
        core: The runner's shared per-task steps.
        name: Prefix of the thread names.
    """

    def __init__(self, core: RunnerCore, name: str) -> None:
        self._core = core
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._posters: _Posters | None = None
        self._chains: set[asyncio.Task[None]] = set()

    def start(self, task: Task, busy: int) -> None:
        """Run ``task``'s chain in a slot already taken (called from the poll thread)."""
        loop = self._loop or self._open()
        loop.call_soon_threadsafe(self._spawn, task)

    def close(self, timeout_s: float = 2.0) -> None:
        """Stop the loop (cancelling leftovers) and the posting threads."""
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout_s)
        if self._posters is not None:
            self._posters.close()

    def _open(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        self._posters = _Posters(
            loop,
            self._core.sender.post,
            min(self._core.slots.size, MAX_POST_THREADS),
            f"{self._name}-post",
        )
        thread = threading.Thread(
            target=self._run_loop, args=(loop,), name=f"{self._name}-asyncio", daemon=True
        )
        self._loop, self._thread = loop, thread
        thread.start()
        return loop

    def _run_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            _shut_down(loop)

    def _spawn(self, task: Task) -> None:
        assert self._loop is not None
        chain = self._loop.create_task(self._chain(task))
        self._chains.add(chain)
        chain.add_done_callback(self._chains.discard)

    async def _chain(self, task: Task) -> None:
        core = self._core
        current: Task | None = task
        try:
            while current is not None:
                result = await self._execute(current)
                current = await self._post(result, current)
        except Exception:
            logger.exception("Unexpected error running task %s; releasing its slot", task.task_id)
        finally:
            core.slots.release()

    async def _execute(self, task: Task) -> TaskResult:
        core = self._core
        started = time.perf_counter()
        if core.metrics is not None:
            core.metrics.increment_task_execution(core.task_type(task))
        lease = core.lease_start(task) if core.lease is not None else None
        try:
            limit = core.time_limit_s
            if limit is None:
                execution = await run_task_async(core.worker, task)
            else:
                execution = await self._execute_limited(task, limit)
        except Exception as exc:  # run_task_async promises not to raise; keep the slot alive
            execution = core.escaped(task, exc)
        finally:
            core.lease_stop(lease)
        return core.checked(task, execution.result, started, execution.error)

    async def _execute_limited(self, task: Task, limit_s: float) -> Execution:
        running = asyncio.ensure_future(run_task_async(self._core.worker, task))
        done, _ = await asyncio.wait((running,), timeout=limit_s)
        if running in done:
            return running.result()
        running.cancel()  # not awaited: a coroutine that ignores cancellation keeps no slot
        running.add_done_callback(lambda fut: _late(task, fut))
        return Execution(self._core.time_limit_result(task))

    async def _post(self, result: TaskResult, task: Task) -> Task | None:
        posters = self._posters
        assert posters is not None
        sender = self._core.sender
        task_type = self._core.task_type(task)
        try:
            return await posters.post(result, task_type)
        except Exception as exc:
            delivery = Delivery(result, task_type, sender.deadline_s)
            delay = sender.retry_delay(delivery, exc)
        while delay is not None:
            await self._pause(delay)
            try:
                return await posters.post(result, task_type)
            except Exception as exc:
                delay = sender.retry_delay(delivery, exc)
        return None

    async def _pause(self, delay_s: float) -> None:
        end = time.monotonic() + delay_s
        while True:
            left = self._core.sender.pause_left_s(end)
            if left <= 0:
                return
            await asyncio.sleep(min(left, _PAUSE_SLICE_S))


class _Posters:
    """Threads that post results for one event loop and hand the outcomes back to it.

    A posting thread runs the whole attempt (request and decoding of the reply), queues the
    outcome, and wakes the loop only when no wake-up is already pending: the loop then
    resolves every queued outcome in one go. Threads start on the first post.

    Args:
        loop: The event loop awaiting the outcomes.
        post: Posts one result once; returns the next task, or raises.
        count: Number of threads.
        name: Prefix of the thread names.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        post: Callable[[TaskResult, str], Task | None],
        count: int,
        name: str,
    ) -> None:
        self._loop = loop
        self._send = post
        self._count = count
        self._name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._outcomes: collections.deque[_Outcome] = collections.deque()
        self._lock = threading.Lock()
        self._wake_pending = False
        self._threads: list[threading.Thread] = []

    def post(self, result: TaskResult, task_type: str) -> asyncio.Future[Task | None]:
        """Queue one attempt to post ``result``; the future resolves on the loop (loop only)."""
        if not self._threads:
            self._start()
        future: asyncio.Future[Task | None] = self._loop.create_future()
        self._jobs.put((future, result, task_type))
        return future

    def close(self) -> None:
        """Let the threads end once the attempts already queued are done."""
        for _ in self._threads:
            self._jobs.put(None)
        self._threads = []

    def _start(self) -> None:
        for index in range(self._count):
            thread = threading.Thread(target=self._work, name=f"{self._name}_{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _work(self) -> None:
        jobs, send, outcomes = self._jobs, self._send, self._outcomes
        while True:
            job = jobs.get()
            if job is None:
                return
            future, result, task_type = job
            try:
                outcome: _Outcome = (future, True, send(result, task_type))
            except BaseException as exc:  # handed to the awaiting coroutine, which decides
                outcome = (future, False, exc)
            outcomes.append(outcome)
            with self._lock:
                wake = not self._wake_pending
                self._wake_pending = True
            if wake:
                self._wake()

    def _wake(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._resolve)
        except RuntimeError:  # the loop is closed: nobody awaits these outcomes any more
            logger.debug("Event loop closed; dropping %d post outcomes", len(self._outcomes))
            self._outcomes.clear()
            with self._lock:
                self._wake_pending = False

    def _resolve(self) -> None:
        # The flag is cleared before draining: an outcome queued after the drain wakes again.
        with self._lock:
            self._wake_pending = False
        outcomes = self._outcomes
        while outcomes:
            future, ok, value = outcomes.popleft()
            if future.done():  # the awaiting chain was cancelled
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)


def _late(task: Task, fut: asyncio.Future[Execution]) -> None:
    """Report what became of a coroutine cancelled at its time limit."""
    if fut.cancelled():
        logger.info("Task %s was cancelled at its time limit", task.task_id)
        return
    exc = fut.exception()
    if exc is not None:
        logger.info("Task %s ended with %r after its time limit", task.task_id, exc)
        return
    result = fut.result().result
    logger.warning(
        "Task %s ignored its cancellation and returned after its time limit; its result was "
        "discarded (status %s, output %.200r)",
        task.task_id,
        result.status,
        result.output_data,
    )


def _shut_down(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left on ``loop``, give it a moment, and close the loop."""
    try:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for leftover in pending:
            leftover.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=_SHUTDOWN_GRACE_S))
        loop.run_until_complete(loop.shutdown_asyncgens())
    except Exception:
        logger.exception("Error while shutting down the worker's event loop")
    finally:
        loop.close()
