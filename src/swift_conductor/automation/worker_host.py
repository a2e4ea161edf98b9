"""swift-conductor name of the worker runtime: ``WorkerHost`` is a ``TaskHandler``.

It has the same methods (``start_processes``, ``join_processes``, ``stop_processes``, ``with``)
and the same constructor, with two defaults chosen for code written for swift-conductor:

- ``scan_for_annotated_workers`` is ``False``: swift-conductor had no decorated workers, so a
  ``WorkerHost`` runs exactly the workers it is given.
- On Linux the worker processes are forked, even when the program called
  ``multiprocessing.set_start_method('spawn')``, as swift-conductor's guide tells it to at the
  top of the script. Spawned processes re-run the main script, and such scripts start the
  ``WorkerHost`` at module level, without an ``if __name__ == "__main__":`` guard. Pass
  ``start_method=...`` to choose explicitly.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from conductor.client.automator.task_handler import TaskHandler

__all__ = ["WorkerHost"]


class WorkerHost(TaskHandler):
    """Runs each worker in its own supervised process (see ``TaskHandler``).

    Args:
        workers: A worker or a list of workers (``WorkerAbc``).
        configuration: Server ``Configuration`` handed to every worker process.
        metrics_settings: ``MetricsSettings`` to collect Prometheus metrics.
        scan_for_annotated_workers: Also run decorated functions (default ``False`` here).
        import_modules: Modules to import first, so their decorated workers are registered.
        **options: The keyword-only options of ``TaskHandler`` (``stop_grace_seconds``,
            ``start_method``, ...).
    """

    def __init__(
        self,
        workers: Any = None,
        configuration: Any = None,
        metrics_settings: Any = None,
        scan_for_annotated_workers: bool | None = False,
        import_modules: Sequence[str] | None = None,
        **options: Any,
    ) -> None:
        if options.get("start_method") is None and sys.platform.startswith("linux"):
            options["start_method"] = "fork"
        super().__init__(
            workers,
            configuration,
            metrics_settings,
            scan_for_annotated_workers,
            import_modules,
            **options,
        )
