"""Helpers for tests of the event-loop posting path: a ``run_blocking`` that records what it
ran, and a ``run`` that fails on anything an event loop leaks."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import socket
import sys
import threading
import warnings
from collections.abc import Coroutine
from typing import Any, Callable, TypeVar

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


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a fresh event loop, then check that nothing leaked.

    Fails on anything the loop reported (e.g. a future's exception never retrieved), on
    ResourceWarnings (unclosed sockets) and on unraisable exceptions, after collecting garbage.
    The coroutine's own exception is re-raised after those checks.
    """
    loop_errors: list[dict[str, Any]] = []
    unraisable: list[Any] = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))
    error: BaseException | None = None
    result: Any = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = loop.run_until_complete(coroutine)
            except BaseException as exc:
                error = exc
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()
            gc.collect()
    finally:
        sys.unraisablehook = previous_hook
    assert loop_errors == []
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert unraisable == []
    if error is not None:
        raise error
    returned: T = result
    return returned
