"""Delay queues of task ids, one per queue name (``taskType`` or ``domain:taskType``)."""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Iterator


class _Queue:
    """One queue: a heap of ``(ready_at, token, task_id)`` plus the live message per task.

    A message is live while ``members[task_id]`` equals its token; removing or re-pushing a task
    just changes ``members``, and stale heap entries are skipped when they reach the top.
    """

    __slots__ = ("heap", "members")

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, str]] = []
        self.members: dict[str, int] = {}

    def drop_stale_top(self) -> None:
        heap, members = self.heap, self.members
        while heap and members.get(heap[0][2]) != heap[0][1]:
            heapq.heappop(heap)


class TaskQueues:
    """All task queues. Not thread-safe: the engine calls it under its lock."""

    def __init__(self) -> None:
        self._queues: dict[str, _Queue] = {}
        self._tokens = itertools.count(1)

    def push(self, queue: str, task_id: str, delay_s: float = 0.0) -> None:
        """Put (or move) ``task_id`` in ``queue``, pollable after ``delay_s`` seconds."""
        q = self._queues.get(queue)
        if q is None:
            q = self._queues[queue] = _Queue()
        token = next(self._tokens)
        q.members[task_id] = token
        heapq.heappush(q.heap, (time.monotonic() + max(0.0, delay_s), token, task_id))

    def remove(self, queue: str, task_id: str) -> bool:
        """Remove the message of ``task_id``; True if there was one."""
        q = self._queues.get(queue)
        return q is not None and q.members.pop(task_id, None) is not None

    def contains(self, queue: str, task_id: str) -> bool:
        """Whether ``task_id`` has a message in ``queue``."""
        q = self._queues.get(queue)
        return q is not None and task_id in q.members

    def pop(self, queue: str) -> str | None:
        """Take the next ready message (removing it), or None."""
        q = self._queues.get(queue)
        if q is None:
            return None
        q.drop_stale_top()
        if not q.heap or q.heap[0][0] > time.monotonic():
            return None
        _, _, task_id = heapq.heappop(q.heap)
        del q.members[task_id]
        return task_id

    def seconds_until_ready(self, queue: str) -> float | None:
        """Seconds until the next message becomes pollable; None if the queue is empty."""
        q = self._queues.get(queue)
        if q is None:
            return None
        q.drop_stale_top()
        if not q.heap:
            return None
        return max(0.0, q.heap[0][0] - time.monotonic())

    def size(self, queue: str) -> int:
        """Number of messages in ``queue``, delayed ones included."""
        q = self._queues.get(queue)
        return 0 if q is None else len(q.members)

    def sizes(self) -> Iterator[tuple[str, int]]:
        """``(queue, size)`` for every queue ever used."""
        for name, q in self._queues.items():
            yield name, len(q.members)
