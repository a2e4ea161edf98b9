"""Request counting and fault injection, keyed by endpoint name."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

ENDPOINTS = frozenset(
    {
        "token",
        "poll",
        "batch_poll",
        "update_task",
        "update_task_v2",
        "update_task_by_ref",
        "get_task",
        "add_task_log",
        "get_task_logs",
        "queue_sizes",
        "poll_data",
        "requeue",
        "metadata",
        "workflow",
    }
)


class Failure:
    """One injected failure: an error status, or a dropped connection."""

    __slots__ = ("after_processing", "body", "drop", "status")

    def __init__(
        self, status: int, drop: bool, after_processing: bool, body: Mapping[str, Any] | None
    ) -> None:
        self.status = status
        self.drop = drop
        self.after_processing = after_processing
        self.body = dict(body) if body is not None else None


def _check_endpoint(endpoint: str) -> None:
    if endpoint not in ENDPOINTS:
        known = ", ".join(sorted(ENDPOINTS))
        raise ValueError(f"unknown endpoint {endpoint!r}; known endpoints: {known}")


class Faults:
    """Delays and failures to apply to the next requests of each endpoint. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._delays: dict[str, float] = {}
        self._failures: dict[str, deque[Failure]] = {}

    def delay(self, endpoint: str, seconds: float) -> None:
        """Delay every later request of ``endpoint`` by ``seconds`` (0 removes the delay)."""
        _check_endpoint(endpoint)
        with self._lock:
            if seconds > 0:
                self._delays[endpoint] = float(seconds)
            else:
                self._delays.pop(endpoint, None)

    def fail_next(self, endpoint: str, n: int, failure: Failure) -> None:
        """Queue ``n`` copies of ``failure`` for the next requests of ``endpoint``."""
        _check_endpoint(endpoint)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        with self._lock:
            self._failures.setdefault(endpoint, deque()).extend([failure] * n)

    def clear(self) -> None:
        """Remove every delay and pending failure."""
        with self._lock:
            self._delays.clear()
            self._failures.clear()

    def take(self, endpoint: str) -> tuple[float, Failure | None]:
        """The delay for this request and the failure it must suffer, if any."""
        if not self._delays and not self._failures:
            return 0.0, None
        with self._lock:
            delay = self._delays.get(endpoint, 0.0)
            pending = self._failures.get(endpoint)
            if not pending:
                return delay, None
            failure = pending.popleft()
            if not pending:
                del self._failures[endpoint]
            return delay, failure


class RequestCounts:
    """Requests received per endpoint name. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def increment(self, endpoint: str) -> None:
        """Count one request."""
        with self._lock:
            self._counts[endpoint] = self._counts.get(endpoint, 0) + 1

    def snapshot(self) -> dict[str, int]:
        """A copy of the counts."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        """Forget every count."""
        with self._lock:
            self._counts.clear()
