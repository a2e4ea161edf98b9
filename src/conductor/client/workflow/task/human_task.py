"""HUMAN tasks: wait for a person to complete a form."""

from __future__ import annotations

from enum import Enum
from typing import Any

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class AssignmentCompletionStrategy(str, Enum):
    """What happens to the task when its assignment ends."""

    LEAVE_OPEN = "LEAVE_OPEN"
    TERMINATE = "TERMINATE"

    def __str__(self) -> str:
        return self.name


class TriggerType(str, Enum):
    """Human-task events that can trigger actions."""

    ASSIGNED = "ASSIGNED"
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    TIMED_OUT = "TIMED_OUT"
    ASSIGNEE_CHANGED = "ASSIGNEE_CHANGED"

    def __str__(self) -> str:
        return self.name


class HumanTask(TaskInterface):
    """Wait until a person completes the form ``form_template`` (version ``form_version``)."""

    def __init__(
        self,
        task_ref_name: str,
        display_name: str | None = None,
        form_template: str | None = None,
        form_version: int = 0,
        assignment_completion_strategy: AssignmentCompletionStrategy = (
            AssignmentCompletionStrategy.LEAVE_OPEN
        ),
    ) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.HUMAN)
        form: dict[str, Any] = {"version": form_version}
        if form_template is not None:
            form["name"] = form_template
        definition: dict[str, Any] = {
            "assignmentCompletionStrategy": assignment_completion_strategy.name,
            "userFormTemplate": form,
        }
        if display_name is not None:
            definition["displayName"] = display_name
        self.input_parameters.update({"__humanTaskDefinition": definition})
