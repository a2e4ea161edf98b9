"""Running workers: ``TaskHandler`` (processes) and ``TaskRunner`` (the loop inside each)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conductor.client.automator.task_handler import TaskHandler
    from conductor.client.automator.task_runner import TaskRunner

__all__ = ["TaskHandler", "TaskRunner"]


def __getattr__(name: str) -> Any:
    # Imported on first use so that importing a submodule stays cheap and cycle-free.
    if name == "TaskHandler":
        from conductor.client.automator.task_handler import TaskHandler

        return TaskHandler
    if name == "TaskRunner":
        from conductor.client.automator.task_runner import TaskRunner

        return TaskRunner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
