"""A ``run_blocking`` for tests of the event-loop posting path: it runs callables on its own
threads and records what they were."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


class Blocking:
    """A ``run_blocking`` that runs callables on its own threads and records what they were.

    ``kinds`` gets ``"connect"`` for a callable that returned a socket (a connection opened for
    the event-loop transport), ``"call"`` for one that returned anything else (a whole call
    sent the blocking way), ``"error"`` for one that raised.
    """

    def __init__(self) -> None:
        self.kinds: list[str] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="test-blocking")

    def __call__(self, function: Callable[[], T]) -> asyncio.Future[T]:
        def recorded() -> T:
            try:
                result = function()
            except BaseException:
                self._record("error")
                raise
            self._record("connect" if isinstance(result, socket.socket) else "call")
            return result

        return asyncio.get_running_loop().run_in_executor(self._pool, recorded)

    def _record(self, kind: str) -> None:
        with self._lock:
            self.kinds.append(kind)
            self.threads.add(threading.current_thread().name)

    @property
    def calls(self) -> int:
        """Whole calls sent through this runner."""
        return self.kinds.count("call")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
