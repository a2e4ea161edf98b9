"""The short status of a workflow: ids, output, variables and ``status``."""

from __future__ import annotations

from typing import Any, ClassVar

from conductor.client.http.models._base import Model
from conductor.client.http.models.workflow_run import WORKFLOW_STATUSES, _WorkflowStatusChecks


class WorkflowStatus(_WorkflowStatusChecks, Model):
    """The short status of a workflow: ids, output, variables and ``status``."""

    swagger_types: ClassVar[dict[str, str]] = {
        "workflow_id": "str",
        "correlation_id": "str",
        "output": "dict(str, object)",
        "variables": "dict(str, object)",
        "status": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "workflow_id": "workflowId",
        "correlation_id": "correlationId",
        "output": "output",
        "variables": "variables",
        "status": "status",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "status": WORKFLOW_STATUSES,
    }

    workflow_id: str | None
    correlation_id: str | None
    output: dict[str, Any] | None
    variables: dict[str, Any] | None

    def __init__(
        self,
        workflow_id: str | None = None,
        correlation_id: str | None = None,
        output: dict[str, Any] | None = None,
        variables: dict[str, Any] | None = None,
        status: str | None = None,
    ) -> None:
        self._init_fields(locals())
