"""Which workers a TaskHandler runs: validation, decorated-worker discovery, naming, pickling."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from conductor.client.automator._supervisor import WorkerSlot

logger = logging.getLogger(__name__)


def _worker_interface() -> type:
    from conductor.client.worker.worker_interface import WorkerInterface

    return WorkerInterface


def collect_workers(workers: Any, scan_for_annotated_workers: bool | None) -> list[Any]:
    """The explicit workers (validated, copied into a new list) plus the decorated ones.

    Raises:
        TypeError: ``workers`` is neither a worker nor a list/tuple of workers.
    """
    interface = _worker_interface()
    if workers is None:
        explicit: list[Any] = []
    elif isinstance(workers, interface):
        explicit = [workers]
    elif isinstance(workers, (list, tuple)):
        explicit = list(workers)
        for index, worker in enumerate(explicit):
            if not isinstance(worker, interface):
                raise TypeError(
                    f"workers[{index}] is a {type(worker).__name__}, not a WorkerInterface "
                    "(use Worker(task_definition_name, execute_function) for a function)"
                )
    else:
        raise TypeError(
            f"workers must be a WorkerInterface or a list of them, not {type(workers).__name__}"
        )
    if scan_for_annotated_workers is None or scan_for_annotated_workers:
        explicit.extend(_decorated_workers(explicit))
    return explicit


def _decorated_workers(explicit: Iterable[Any]) -> list[Any]:
    from conductor.client.worker._registry import registered_workers

    taken = {(name, domain_of(worker)) for worker in explicit for name in task_names(worker)}
    added = []
    for worker in registered_workers():
        keys = {(name, domain_of(worker)) for name in task_names(worker)}
        if keys & taken:
            logger.debug(
                "decorated worker %s is also passed explicitly; running it once",
                ",".join(task_names(worker)),
            )
            continue
        taken |= keys
        added.append(worker)
    return added


def task_names(worker: Any) -> list[str]:
    names = getattr(worker, "task_definition_names", None)
    if names:
        return [str(name) for name in names]
    name = getattr(worker, "task_definition_name", None)
    if isinstance(name, (list, tuple)):
        return [str(item) for item in name]
    return [str(name)]


def domain_of(worker: Any) -> str | None:
    getter = getattr(worker, "get_domain", None)
    domain = getter() if callable(getter) else getattr(worker, "domain", None)
    return domain or None


def slots_for(workers: list[Any]) -> list[WorkerSlot]:
    """One slot per worker; processes are named ``conductor-<task>`` (``-2``, ``-3``... repeats)."""
    slots = []
    seen: dict[str, int] = {}
    for index, worker in enumerate(workers):
        names = task_names(worker)
        seen[names[0]] = seen.get(names[0], 0) + 1
        suffix = "" if seen[names[0]] == 1 else f"-{seen[names[0]]}"
        slots.append(
            WorkerSlot(
                index=index,
                worker=worker,
                process_name=f"conductor-{names[0]}{suffix}",
                worker_name=",".join(names),
                task_type=names[0],
            )
        )
    return slots


def check_picklable(value: Any, what: str, method: str) -> None:
    """Fail early, naming the object, when ``value`` cannot travel to a spawned process.

    Raises:
        TypeError: pickling failed.
    """
    from multiprocessing.reduction import ForkingPickler

    try:
        ForkingPickler.dumps(value)
    except Exception as exc:
        raise TypeError(
            f"{what} cannot be sent to a worker process with the {method!r} start method: "
            f"{type(exc).__name__}: {exc}. Define workers and their functions at module level "
            "of an importable module (with the script's code under "
            "`if __name__ == '__main__':`), or use the 'fork' start method."
        ) from exc
