"""swift-conductor (1.2) module name of the function worker: ``WorkerImpl`` is ``Worker``.

Input binding follows ``conductor.client.worker.worker.Worker``: a function whose parameters are
not a ``Task`` receives the task's input values by name.
"""

from __future__ import annotations

from conductor.client.worker.worker import Worker

WorkerImpl = Worker

__all__ = ["WorkerImpl"]
