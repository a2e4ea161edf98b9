"""Re-run a workflow from one of its tasks, optionally with new inputs."""

from __future__ import annotations

from typing import Any, ClassVar

from conductor.client.http.models._base import Model


class RerunWorkflowRequest(Model):
    """Re-run a workflow from one of its tasks, optionally with new inputs."""

    swagger_types: ClassVar[dict[str, str]] = {
        "re_run_from_workflow_id": "str",
        "workflow_input": "dict(str, object)",
        "re_run_from_task_id": "str",
        "task_input": "dict(str, object)",
        "correlation_id": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "re_run_from_workflow_id": "reRunFromWorkflowId",
        "workflow_input": "workflowInput",
        "re_run_from_task_id": "reRunFromTaskId",
        "task_input": "taskInput",
        "correlation_id": "correlationId",
    }

    re_run_from_workflow_id: str | None
    workflow_input: dict[str, Any] | None
    re_run_from_task_id: str | None
    task_input: dict[str, Any] | None
    correlation_id: str | None

    def __init__(
        self,
        re_run_from_workflow_id: str | None = None,
        workflow_input: dict[str, Any] | None = None,
        re_run_from_task_id: str | None = None,
        task_input: dict[str, Any] | None = None,
        correlation_id: str | None = None,
    ) -> None:
        self._init_fields(locals())
