"""The benchmark's server process: ``InMemoryConductorServer`` plus a control channel.

Run by ``run.py`` as ``python benchmarks/server_host.py``. It prints ``{"url": ...}`` on its
first line, then answers one JSON command per stdin line with one JSON line on stdout. Helpers
that need server state (enqueueing, waiting, summaries, request counts) run here, so the
harness never competes with the server for its GIL and never copies the task table.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from typing import Any, Callable

from conductor.client.testing import InMemoryConductorServer

_WAIT_INTERVAL_S = 0.02


class Host:
    """Commands of the control channel; batches of task ids are remembered by name."""

    def __init__(self, server: InMemoryConductorServer) -> None:
        self.server = server
        self.batches: dict[str, list[str]] = {}
        self.enqueued_at: dict[str, float] = {}

    def enqueue(
        self, batch: str, task_type: str, count: int, delay_s: int = 0, retry_count: int = 0
    ) -> dict[str, Any]:
        """Schedule ``count`` tasks, pollable ``delay_s`` seconds after each one's enqueue."""
        ids = self.batches.setdefault(batch, [])
        started = time.perf_counter()
        for _ in range(count):
            ids.append(
                self.server.enqueue_task(
                    task_type, start_delay_seconds=delay_s, retry_count=retry_count
                )
            )
        return {"seconds": time.perf_counter() - started}

    def paced(
        self, batch: str, task_type: str, count: int, rate: float, timeout: float
    ) -> dict[str, Any]:
        """Enqueue one task every ``1/rate`` s, noting when; then wait until all are done."""
        ids = self.batches.setdefault(batch, [])
        period = 1.0 / rate
        next_at = time.monotonic()
        for _ in range(count):
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            next_at += period
            enqueued = time.time()
            task_id = self.server.enqueue_task(task_type, retry_count=0)
            self.enqueued_at[task_id] = enqueued
            ids.append(task_id)
        return self.wait_done(batch, task_type, timeout)

    def _pending(self, batch: str, task_type: str) -> int:
        queued = self.server.queue_size(task_type)
        if queued:  # cheap; the in-progress scan copies tasks, so only do it near the end
            return queued
        ids = set(self.batches.get(batch, ()))
        running = sum(1 for task in self.server.tasks("IN_PROGRESS") if task["taskId"] in ids)
        return running

    def wait_done(self, batch: str, task_type: str, timeout: float) -> dict[str, Any]:
        """Wait until no task of the batch is queued or in progress."""
        return {"done": _wait(lambda: self._pending(batch, task_type) == 0, timeout)}

    def wait_in_progress(self, batch: str, count: int, timeout: float) -> dict[str, Any]:
        """Wait until ``count`` tasks of the batch are in progress; returns how many are."""
        ids = set(self.batches.get(batch, ()))

        def running() -> int:
            return sum(1 for task in self.server.tasks("IN_PROGRESS") if task["taskId"] in ids)

        _wait(lambda: running() >= count, timeout)
        return {"in_progress": running()}

    def summary(self, batch: str, task_type: str, raw: bool = False) -> dict[str, Any]:
        """Statuses of the batch, its first start and last end (ms), and pickup latencies.

        With ``raw``, also ``times``: ``[startTime, endTime, workerId]`` of every task.
        """
        ids = set(self.batches.get(batch, ()))
        tasks = [task for task in self.server.tasks_by_type(task_type) if task["taskId"] in ids]
        statuses = Counter(task["status"] for task in tasks)
        starts = [task["startTime"] for task in tasks if task["startTime"]]
        ends = [task["endTime"] for task in tasks if task["endTime"]]
        latencies_ms = []
        for task in tasks:
            enqueued = self.enqueued_at.get(task["taskId"])
            started = (task.get("outputData") or {}).get("started")
            if enqueued is not None and isinstance(started, (int, float)):
                latencies_ms.append((started - enqueued) * 1000.0)
        held_ms = [
            task["endTime"] - task["startTime"]
            for task in tasks
            if task["startTime"] and task["endTime"]
        ]
        return {
            "count": len(tasks),
            "held_ms": held_ms,
            "statuses": dict(statuses),
            "first_start_ms": min(starts) if starts else None,
            "last_end_ms": max(ends) if ends else None,
            "latencies_ms": latencies_ms,
            "times": [[t["startTime"], t["endTime"], t.get("workerId")] for t in tasks]
            if raw
            else [],
        }

    def counts(self) -> dict[str, Any]:
        """Requests per endpoint since the last reset."""
        return {"counts": self.server.request_counts}

    def reset_counts(self) -> dict[str, Any]:
        """Zero the request counts."""
        self.server.reset_request_counts()
        return {}


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        time.sleep(_WAIT_INTERVAL_S)
    return True


def main() -> None:
    with InMemoryConductorServer() as server:
        host = Host(server)
        print(json.dumps({"url": server.url}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            op = command.pop("op")
            if op == "quit":
                break
            try:
                reply = getattr(host, op)(**command)
            except Exception as exc:  # report to the harness instead of dying silently
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
