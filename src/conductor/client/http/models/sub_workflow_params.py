"""Which workflow a SUB_WORKFLOW task starts: by name and version, or an inline definition."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from conductor.client.http.models._base import Model

if TYPE_CHECKING:
    from conductor.client.http.models.workflow_def import WorkflowDef


class SubWorkflowParams(Model):
    """Which workflow a SUB_WORKFLOW task starts: by name and version, or an inline definition."""

    swagger_types: ClassVar[dict[str, str]] = {
        "name": "str",
        "version": "int",
        "task_to_domain": "dict(str, str)",
        "workflow_definition": "WorkflowDef",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "name": "name",
        "version": "version",
        "task_to_domain": "taskToDomain",
        "workflow_definition": "workflowDefinition",
    }

    name: str | None
    version: int | None
    task_to_domain: dict[str, str] | None
    workflow_definition: WorkflowDef | None

    def __init__(
        self,
        name: str | None = None,
        version: int | None = None,
        task_to_domain: dict[str, str] | None = None,
        workflow_definition: WorkflowDef | None = None,
    ) -> None:
        self._init_fields(locals())
