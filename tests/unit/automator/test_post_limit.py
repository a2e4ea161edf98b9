"""PostLimit: how many results an event loop posts at once, following the round trip."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from conductor.client.automator import _post_limit
from conductor.client.automator._post_limit import PostLimit

T = TypeVar("T")

FAST_S = 0.001
SLOW_S = 0.050  # far beyond QUEUEING_FACTOR x FAST_S + SLACK_S


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


async def _waiting(limit: PostLimit, count: int) -> list[asyncio.Task[None]]:
    """Start ``count`` acquisitions beyond the free permits; return them once all wait."""
    tasks = [asyncio.ensure_future(limit.acquire()) for _ in range(count)]
    for _ in range(3):
        await asyncio.sleep(0)
    assert not any(task.done() for task in tasks)
    return tasks


def test_starts_at_two_and_never_exceeds_the_slots() -> None:
    assert PostLimit(50).limit == 2
    assert PostLimit(1).limit == 1
    assert PostLimit(0).maximum == 1
    assert PostLimit(3, initial=10).limit == 3


def test_permits_are_granted_up_to_the_limit_then_in_arrival_order() -> None:
    async def scenario() -> list[int]:
        limit = PostLimit(10)
        await limit.acquire()
        await limit.acquire()
        assert limit.in_flight == 2
        waiting = await _waiting(limit, 3)
        order: list[int] = []
        for index, task in enumerate(waiting):
            task.add_done_callback(lambda _task, index=index: order.append(index))
        for _ in range(3):
            limit.release(None)  # no round trip: the limit stays at two
            await asyncio.sleep(0)
        await asyncio.gather(*waiting)
        assert limit.limit == 2
        assert limit.in_flight == 2
        return order

    assert run(scenario()) == [0, 1, 2]


def test_grows_while_the_server_keeps_up_and_posts_wait() -> None:
    async def scenario() -> int:
        limit = PostLimit(5)
        await limit.acquire()
        await limit.acquire()
        waiting = await _waiting(limit, 6)
        limit.release(FAST_S)  # first sample: as fast as the fastest, with posts waiting
        limit.release(FAST_S)
        await asyncio.sleep(0)
        grown = limit.limit
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        return grown

    assert run(scenario()) == 4


def test_does_not_grow_without_posts_waiting() -> None:
    async def scenario() -> int:
        limit = PostLimit(5)
        for _ in range(10):
            await limit.acquire()
            limit.release(FAST_S)
        return limit.limit

    assert run(scenario()) == 2


def test_shrinks_when_round_trips_show_requests_queueing_but_not_below_one() -> None:
    async def scenario() -> list[int]:
        limit = PostLimit(50, initial=4)
        seen = []
        await limit.acquire()
        limit.release(FAST_S)  # the fastest round trip
        for _ in range(5):
            await limit.acquire()
            limit.release(SLOW_S)
            seen.append(limit.limit)
        return seen

    assert run(scenario()) == [3, 2, 1, 1, 1]


def test_steady_long_round_trips_let_every_slot_post() -> None:
    """A distant server: round trips are long but do not inflate, so the limit reaches the max."""

    async def scenario() -> int:
        limit = PostLimit(8)
        for _ in range(2):
            await limit.acquire()
        waiting = await _waiting(limit, 20)
        granted = 0
        while granted < 20:
            limit.release(0.100)  # 100 ms each, steady
            await asyncio.sleep(0)
            granted = sum(task.done() for task in waiting)
            if limit.in_flight == 0:
                break
        top = limit.limit
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        return top

    assert run(scenario()) == 8


def test_failed_posts_leave_the_limit_alone() -> None:
    async def scenario() -> int:
        limit = PostLimit(10, initial=5)
        await limit.acquire()
        limit.release(FAST_S)
        for _ in range(5):
            await limit.acquire()
            limit.release(None)
        return limit.limit

    assert run(scenario()) == 5


def test_the_fastest_round_trip_is_forgotten_after_two_windows() -> None:
    """A server that became slower for good is re-measured instead of throttled forever."""
    clock = [1000.0]

    async def scenario() -> list[int]:
        limit = PostLimit(50, initial=10, clock=lambda: clock[0])
        seen = []
        await limit.acquire()
        limit.release(FAST_S)
        await limit.acquire()
        limit.release(SLOW_S)  # queueing, compared with FAST_S
        seen.append(limit.limit)
        clock[0] += 2.5 * _post_limit.WINDOW_S  # two windows later
        await limit.acquire()
        limit.release(SLOW_S)  # now the fastest of its window
        await limit.acquire()
        limit.release(SLOW_S)
        seen.append(limit.limit)
        return seen

    assert run(scenario()) == [9, 9]


@pytest.mark.parametrize("granted_first", [False, True])
def test_a_cancelled_wait_gives_its_permit_on(granted_first: bool) -> None:
    async def scenario() -> tuple[int, bool]:
        limit = PostLimit(4, initial=1)
        await limit.acquire()
        first, second = await _waiting(limit, 2)
        if granted_first:
            limit.release(None)  # grants ``first``...
            first.cancel()  # ...which is cancelled before it runs
        else:
            first.cancel()
            await asyncio.sleep(0)
            limit.release(None)
        await asyncio.gather(first, return_exceptions=True)
        await asyncio.wait_for(second, 5)
        return limit.in_flight, first.cancelled()

    assert run(scenario()) == (1, True)


def test_once_lifted_every_waiting_post_goes_at_the_next_release() -> None:
    stopping = [False]

    async def scenario() -> tuple[int, int]:
        limit = PostLimit(10, lifted=lambda: stopping[0])
        await limit.acquire()
        await limit.acquire()
        waiting = await _waiting(limit, 5)
        stopping[0] = True
        limit.release(None)  # one post ends: everyone waiting goes
        await asyncio.wait_for(asyncio.gather(*waiting), 5)
        await asyncio.wait_for(limit.acquire(), 5)  # and a new post goes at once
        return limit.limit, limit.in_flight

    assert run(scenario()) == (2, 7)
