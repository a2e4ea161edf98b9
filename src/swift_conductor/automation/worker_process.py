"""swift-conductor name of the per-worker loop: ``WorkerProcess`` is ``TaskRunner``."""

from __future__ import annotations

from conductor.client.automator.task_runner import TaskRunner

WorkerProcess = TaskRunner

__all__ = ["WorkerProcess"]
