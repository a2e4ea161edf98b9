"""swift-conductor name for ``conductor.client.worker.worker``: a worker that wraps a function."""

from __future__ import annotations

from conductor.client.worker.worker import ExecuteTaskFunction, Worker

__all__ = ["ExecuteTaskFunction", "Worker"]
