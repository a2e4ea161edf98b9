"""swift-conductor (1.2) module name of ``WorkerAbc``; same class as ``worker_interface``."""

from __future__ import annotations

from swift_conductor.worker.worker_interface import WorkerAbc

__all__ = ["WorkerAbc"]
