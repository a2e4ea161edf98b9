"""Running an ``async def`` worker's tasks as coroutines on one event loop thread.

Each busy slot is one asyncio task running a chain (execute, post, next task from update-v2...).
Results are posted with update-v2 on the loop itself, waiting for the server without a thread,
as many at once as the server's round trip calls for (see ``_post_limit``); what needs blocking
I/O (a token fetch, HTTPS, a proxy) runs on a small thread pool. Retry pauses are
``asyncio.sleep`` so they hold no thread. An execution time limit cancels the coroutine.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from typing import TYPE_CHECKING, Callable, TypeVar

from conductor.client.automator._post_limit import PostLimit
from conductor.client.automator._runner_update import Delivery
from conductor.client.worker._execution import Execution, run_task_async

if TYPE_CHECKING:
    from conductor.client.automator._runner_core import RunnerCore
    from conductor.client.http.models.task import Task
    from conductor.client.http.models.task_result import TaskResult

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_POST_THREADS = 4
"""Threads posting the results that cannot be awaited on the loop (HTTPS, proxies): posts are
short, so a few serve many slots (more threads only add GIL churn)."""

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
        self._posters = concurrent.futures.ThreadPoolExecutor(
            max_workers=min(core.slots.size, MAX_POST_THREADS),
            thread_name_prefix=f"{name}-post",
        )
        self._chains: set[asyncio.Task[None]] = set()
        self._limit = PostLimit(core.slots.size, lifted=lambda: core.stop.requested)

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
        self._posters.shutdown(wait=False)

    def _open(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
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
        sender = self._core.sender
        task_type = self._core.task_type(task)
        try:
            return await self._post_once(result, task_type)
        except Exception as exc:
            delivery = Delivery(result, task_type, sender.deadline_s)
            delay = sender.retry_delay(delivery, exc)
        while delay is not None:
            await self._pause(delay)
            try:
                return await self._post_once(result, task_type)
            except Exception as exc:
                delay = sender.retry_delay(delivery, exc)
        return None

    async def _post_once(self, result: TaskResult, task_type: str) -> Task | None:
        """One attempt, within the post limit (lifted once the runner stops)."""
        sender = self._core.sender
        limit = self._limit
        await limit.acquire()
        started = time.perf_counter()
        round_trip: float | None = None  # only delivered results inform the limit
        try:
            task = await sender.post_async(result, task_type, self._run_blocking)
            round_trip = time.perf_counter() - started
            return task
        finally:
            limit.release(round_trip)

    def _run_blocking(self, function: Callable[[], T]) -> asyncio.Future[T]:
        """Run ``function`` on a posting thread (token fetches, HTTPS, proxies)."""
        return asyncio.get_running_loop().run_in_executor(self._posters, function)

    async def _pause(self, delay_s: float) -> None:
        end = time.monotonic() + delay_s
        while True:
            left = self._core.sender.pause_left_s(end)
            if left <= 0:
                return
            await asyncio.sleep(min(left, _PAUSE_SLICE_S))


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
