"""Long polls: pollers wait on a future per queue until a message arrives or time runs out."""

from __future__ import annotations

import asyncio
import logging
import threading

logger = logging.getLogger(__name__)


class QueueWaiters:
    """Waiting pollers per queue name, on one event loop; ``notify`` works from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._thread_id = threading.get_ident()
        self._waiters: dict[str, set[asyncio.Future[None]]] = {}

    def notify(self, queue: str) -> None:
        """Wake every poller waiting on ``queue`` (called by the engine after a push)."""
        if threading.get_ident() == self._thread_id:
            self._wake(queue)
            return
        try:
            self._loop.call_soon_threadsafe(self._wake, queue)
        except RuntimeError:
            logger.debug("event loop closed; no poller to wake for %s", queue)

    def _wake(self, queue: str) -> None:
        for future in self._waiters.pop(queue, ()):
            if not future.done():
                future.set_result(None)

    async def wait(self, queue: str, timeout_s: float) -> None:
        """Return when ``queue`` is notified or after ``timeout_s`` seconds."""
        future: asyncio.Future[None] = self._loop.create_future()
        waiters = self._waiters.setdefault(queue, set())
        waiters.add(future)
        timer = self._loop.call_later(timeout_s, _resolve, future)
        try:
            await future
        finally:
            timer.cancel()
            waiters.discard(future)
            if not waiters and self._waiters.get(queue) is waiters:
                del self._waiters[queue]


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
