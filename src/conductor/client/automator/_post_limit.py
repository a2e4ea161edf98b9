"""How many results an event loop posts at once: a limit that follows the server's round trip.

When the slots of an ``async def`` worker finish together, posting every result at once helps
nobody: the server handles requests one after another, so the extra requests only wait there,
their replies come back in one bunch, and the next tasks start (and finish) bunched again.
The limit works like TCP Vegas: it grows by one for each post answered about as fast as the
fastest recent one while other posts wait (the server keeps up), and shrinks by one for each
post that took several times longer (requests queue at the server). Against a remote server,
round trips are long but steady, so the limit grows until every slot can post at once.
The limit starts at two and doubles at most once per round trip, as TCP's slow start does.
Only delivered results count: a failing or unreachable server leaves the limit where it is.
Once the runner stops, every result waiting for a permit is let through: the drain must not
wait on the pacing.
"""

from __future__ import annotations

import asyncio
import collections
import math
import time
from typing import Callable

WINDOW_S = 10.0
"""The fastest round trip is the minimum over the last one or two windows of this length."""

QUEUEING_FACTOR = 4.0
"""A round trip this many times the fastest one means requests queue at the server."""

KEEPING_UP_FACTOR = 2.0
"""A round trip within this factor of the fastest one means the server keeps up."""

SLACK_S = 0.0005
"""Round trips this close to the fastest one count as equal (timer and scheduling noise)."""


class PostLimit:
    """Permits for posting results from one event loop; see the module docstring.

    Args:
        maximum: The most posts at once (the worker's slots).
        initial: Where the limit starts.
        lifted: True once every post may go at once (the runner is stopping).
        clock: Seconds, monotonic (the windows of the fastest round trip).
    """

    def __init__(
        self,
        maximum: int,
        initial: int = 2,
        lifted: Callable[[], bool] = lambda: False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lifted = lifted
        self._clock = clock
        self.maximum = max(1, maximum)
        self.limit = min(self.maximum, max(1, initial))
        self.in_flight = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._window_end = 0.0
        self._window_min = math.inf
        self._previous_min = math.inf

    async def acquire(self) -> None:
        """Wait for a permit (in arrival order)."""
        if not self._waiters and (self.in_flight < self.limit or self._lifted()):
            self.in_flight += 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release(None)  # granted just before the cancellation: hand it on
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def release(self, round_trip_s: float | None) -> None:
        """Return a permit; ``round_trip_s`` is the delivered post's round trip, else None."""
        if round_trip_s is not None:
            self._adapt(round_trip_s)
        self.in_flight -= 1
        self._grant()

    def _adapt(self, round_trip_s: float) -> None:
        now = self._clock()
        if now >= self._window_end:
            # The window that just ended becomes the previous one, unless it ended long ago.
            recent = now < self._window_end + WINDOW_S
            self._previous_min = self._window_min if recent else math.inf
            self._window_min = math.inf
            self._window_end = now + WINDOW_S
        self._window_min = min(self._window_min, round_trip_s)
        fastest = min(self._window_min, self._previous_min)
        if round_trip_s > QUEUEING_FACTOR * fastest + SLACK_S:
            self.limit = max(1, self.limit - 1)
        elif self._waiters and round_trip_s <= KEEPING_UP_FACTOR * fastest + SLACK_S:
            self.limit = min(self.maximum, self.limit + 1)

    def _grant(self) -> None:
        while self._waiters and (self.in_flight < self.limit or self._lifted()):
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                waiter.set_result(None)
