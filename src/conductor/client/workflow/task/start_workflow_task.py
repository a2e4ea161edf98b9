"""START_WORKFLOW tasks: start another workflow without waiting for it."""

from __future__ import annotations

from typing import Any

from conductor.client.http.models.start_workflow_request import StartWorkflowRequest
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class StartWorkflowTask(TaskInterface):
    """Start ``workflow_name`` with the input and correlation id of ``start_workflow_request``.

    The task completes as soon as the workflow has started; its output holds the workflow id.
    """

    def __init__(
        self,
        task_ref_name: str,
        workflow_name: str,
        start_workflow_request: StartWorkflowRequest,
        version: int | None = None,
    ) -> None:
        start: dict[str, Any] = {
            "name": workflow_name,
            "version": version,
            "input": start_workflow_request.input,
            "correlationId": start_workflow_request.correlation_id,
        }
        super().__init__(
            task_reference_name=task_ref_name,
            task_type=TaskType.START_WORKFLOW,
            input_parameters={
                "startWorkflow": {key: value for key, value in start.items() if value is not None}
            },
        )
