"""SIMPLE tasks: work done by a worker that polls for the task definition's name."""

from __future__ import annotations

from typing import Any

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class SimpleTask(TaskInterface):
    """A task executed by a worker polling for ``task_def_name``."""

    def __init__(self, task_def_name: str, task_reference_name: str) -> None:
        """Create the task.

        Args:
            task_def_name: The task definition (worker) name.
            task_reference_name: Unique name of the task within the workflow.
        """
        super().__init__(
            task_reference_name=task_reference_name,
            task_type=TaskType.SIMPLE,
            task_name=task_def_name,
        )


def simple_task(
    task_def_name: str, task_reference_name: str, inputs: dict[str, Any]
) -> TaskInterface:
    """Return a :class:`SimpleTask` with the given input parameters."""
    task = SimpleTask(task_def_name=task_def_name, task_reference_name=task_reference_name)
    task.input_parameters.update(inputs)
    return task
