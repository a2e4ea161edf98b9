"""SET_VARIABLE tasks: write workflow variables from the task's input parameters."""

from __future__ import annotations

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class SetVariableTask(TaskInterface):
    """Set each input parameter as a workflow variable (``${workflow.variables.<name>}``)."""

    def __init__(self, task_ref_name: str) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.SET_VARIABLE)
