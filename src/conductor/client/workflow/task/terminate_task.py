"""TERMINATE tasks: end the workflow with a given status."""

from __future__ import annotations

from enum import Enum

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class WorkflowStatus(str, Enum):
    """Workflow statuses, as the server names them."""

    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    PAUSED = "PAUSED"
    RUNNING = "RUNNING"
    TERMINATED = "TERMINATED"
    TIMEOUT_OUT = "TIMED_OUT"
    TIMED_OUT = "TIMED_OUT"  # the correctly spelled alias of TIMEOUT_OUT

    def __str__(self) -> str:
        return self.value


class TerminateTask(TaskInterface):
    """End the workflow with ``status`` (usually COMPLETED or FAILED) and a reason."""

    def __init__(self, task_ref_name: str, status: WorkflowStatus, termination_reason: str) -> None:
        super().__init__(
            task_reference_name=task_ref_name,
            task_type=TaskType.TERMINATE,
            input_parameters={
                "terminationStatus": status,
                "terminationReason": termination_reason,
            },
        )
