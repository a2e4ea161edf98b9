"""JSON_JQ_TRANSFORM tasks: transform JSON on the server with a jq query."""

from __future__ import annotations

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class JsonJQTask(TaskInterface):
    """Run the jq ``script`` over the task's input parameters."""

    def __init__(self, task_ref_name: str, script: str) -> None:
        super().__init__(
            task_reference_name=task_ref_name,
            task_type=TaskType.JSON_JQ_TRANSFORM,
            input_parameters={"queryExpression": script},
        )
