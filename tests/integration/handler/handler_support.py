"""Helpers of the TaskHandler integration tests."""

from __future__ import annotations

from typing import Any, Callable

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.testing.server import InMemoryConductorServer


def completed(server: InMemoryConductorServer, task_ids: list[str]) -> Callable[[], bool]:
    """A predicate for ``server.wait_for``: every task COMPLETED."""

    def all_completed() -> bool:
        return all(server.get_task(task_id)["status"] == "COMPLETED" for task_id in task_ids)

    return all_completed


def status(server: InMemoryConductorServer, task_id: str) -> str:
    return str(server.get_task(task_id)["status"])


def output(server: InMemoryConductorServer, task_id: str) -> dict[str, Any]:
    return dict(server.get_task(task_id)["outputData"])


def pid_alive(pid: int) -> bool:
    """True while a process with this pid exists (zombies count as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def pids(handler: TaskHandler) -> list[int | None]:
    return [entry["pid"] for entry in handler.get_worker_process_status()]


def all_alive(handler: TaskHandler) -> bool:
    return all(entry["alive"] for entry in handler.get_worker_process_status())
