"""State shared by a runner's poll loop and its slots: slot accounting and the stop/drain flag."""

from __future__ import annotations

import math
import threading
import time


class Slots:
    """Counts busy execution slots; the poll loop waits here for a free one.

    A slot is taken by the poll loop when it hands a task over and released by whoever finishes
    the task's chain (execute, post the result, run the next task update-v2 returned, ...).
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a runner needs at least one slot, got {size}")
        self.size = size
        self._busy = 0
        self._cond = threading.Condition(threading.Lock())

    @property
    def busy(self) -> int:
        """Slots in use right now."""
        return self._busy

    def wait_free(self, timeout_s: float) -> int:
        """Wait up to ``timeout_s`` for a free slot; return how many are free (maybe 0)."""
        with self._cond:
            if self._busy >= self.size:
                self._cond.wait(timeout_s)
            return self.size - self._busy

    def take(self) -> int:
        """Mark one more slot busy; return the number now busy."""
        with self._cond:
            self._busy += 1
            return self._busy

    def release(self) -> None:
        """Free one slot and wake the poll loop (and anyone draining)."""
        with self._cond:
            self._busy -= 1
            self._cond.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for every slot to be free; return whether they are."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._busy > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True


class StopState:
    """Whether the runner was asked to stop, is draining, and until when results may be retried.

    ``TaskRunner.stop()`` only sets :attr:`requested` (it may run in a signal handler); the poll
    loop or the watchdog then calls :meth:`begin`, which starts the drain clock and wakes every
    interruptible wait through :attr:`event`.
    """

    def __init__(self) -> None:
        self.requested = False
        self.event = threading.Event()
        self.drain_deadline = math.inf

    @property
    def stopping(self) -> bool:
        """True once the drain has begun."""
        return self.event.is_set()

    def begin(self, drain_s: float) -> None:
        """Start draining (idempotent): results may be retried for ``drain_s`` more seconds."""
        if not self.event.is_set():
            self.drain_deadline = time.monotonic() + drain_s
            self.event.set()

    def wait(self, timeout_s: float) -> bool:
        """Sleep up to ``timeout_s``; return True early if draining has begun."""
        if timeout_s <= 0:
            return self.event.is_set()
        return self.event.wait(timeout_s)
