"""One daemon thread that runs short callbacks at given times (a heap of timers)."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from typing import Callable

logger = logging.getLogger(__name__)

# Cancelled entries stay in the heap until they come due; past this size and once most entries
# are cancelled, the heap is rebuilt so that long timers cancelled at a high rate stay cheap.
_COMPACT_MIN_SIZE = 1024


class Timer:
    """A scheduled callback; :meth:`cancel` keeps it from running."""

    __slots__ = ("_owner", "cancelled", "fn", "when")

    def __init__(self, owner: Timers, when: float, fn: Callable[[], None]) -> None:
        self._owner = owner
        self.when = when
        self.fn = fn
        self.cancelled = False

    def cancel(self) -> None:
        """Keep the callback from running; harmless if it already ran."""
        if not self.cancelled:
            self.cancelled = True
            self._owner._cancelled()


class Timers:
    """Runs callbacks at monotonic times on one daemon thread, started on first use.

    Callbacks must be short and must not block: they all share the thread. An exception in a
    callback is logged and the thread carries on.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        self._cancelled_count = 0
        self._thread: threading.Thread | None = None
        self._closed = False

    def call_at(self, when: float, fn: Callable[[], None]) -> Timer:
        """Run ``fn`` on the timer thread at ``time.monotonic() == when`` (or soon after)."""
        timer = Timer(self, when, fn)
        with self._cond:
            if self._closed:
                timer.cancelled = True
                return timer
            heapq.heappush(self._heap, (when, next(self._seq), timer))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            elif self._heap[0][2] is timer:
                self._cond.notify()  # the new timer is the earliest: shorten the current wait
        return timer

    def call_later(self, delay_s: float, fn: Callable[[], None]) -> Timer:
        """Run ``fn`` on the timer thread after ``delay_s`` seconds."""
        return self.call_at(time.monotonic() + delay_s, fn)

    def close(self, timeout_s: float = 1.0) -> None:
        """Stop the thread; pending timers never run. Idempotent."""
        with self._cond:
            self._closed = True
            self._heap.clear()
            thread = self._thread
            self._cond.notify()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    def _cancelled(self) -> None:
        with self._cond:
            self._cancelled_count += 1
            if len(self._heap) >= _COMPACT_MIN_SIZE and self._cancelled_count * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].cancelled]
                heapq.heapify(self._heap)
                self._cancelled_count = 0

    def _next_due(self) -> Timer | None:
        """Wait for the earliest live timer to come due; None once closed."""
        with self._cond:
            while not self._closed:
                if not self._heap:
                    self._cond.wait()
                    continue
                when, _, timer = self._heap[0]
                if timer.cancelled:
                    heapq.heappop(self._heap)
                    self._cancelled_count = max(0, self._cancelled_count - 1)
                    continue
                delay = when - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                timer.cancelled = True  # ran: a later cancel() is a no-op
                return timer
        return None

    def _run(self) -> None:
        while True:
            timer = self._next_due()
            if timer is None:
                return
            try:
                timer.fn()
            except Exception:
                logger.exception("Timer callback %r failed on %s", timer.fn, self._name)
