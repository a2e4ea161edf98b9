"""swift-conductor name for the worker base class.

``WorkerAbc`` is ``conductor.client.worker.worker_interface.WorkerInterface`` under its
swift-conductor name: subclass it and implement ``execute(task) -> TaskResult``.
"""

from __future__ import annotations

from conductor.client.worker.worker_interface import DEFAULT_POLLING_INTERVAL, WorkerInterface

WorkerAbc = WorkerInterface

__all__ = ["DEFAULT_POLLING_INTERVAL", "WorkerAbc", "WorkerInterface"]
