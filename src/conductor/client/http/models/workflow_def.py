"""A workflow definition as registered with ``/metadata/workflow``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from conductor.client.http.models._base import Model

if TYPE_CHECKING:
    from conductor.client.http.models.schema_def import SchemaDef
    from conductor.client.http.models.workflow_task import WorkflowTask


class WorkflowDef(Model):
    """A workflow definition: its tasks, parameters and policies.

    ``tasks`` and ``output_parameters`` default to a new empty list and dict per instance
    (conductor-python shared one ``{}`` between all instances).
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "owner_app": "str",
        "create_time": "int",
        "update_time": "int",
        "created_by": "str",
        "updated_by": "str",
        "name": "str",
        "description": "str",
        "version": "int",
        "tasks": "list[WorkflowTask]",
        "input_parameters": "list[str]",
        "output_parameters": "dict(str, object)",
        "failure_workflow": "str",
        "schema_version": "int",
        "restartable": "bool",
        "workflow_status_listener_enabled": "bool",
        "workflow_status_listener_sink": "str",
        "owner_email": "str",
        "timeout_policy": "str",
        "timeout_seconds": "int",
        "variables": "dict(str, object)",
        "input_template": "dict(str, object)",
        "input_schema": "SchemaDef",
        "output_schema": "SchemaDef",
        "enforce_schema": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "owner_app": "ownerApp",
        "create_time": "createTime",
        "update_time": "updateTime",
        "created_by": "createdBy",
        "updated_by": "updatedBy",
        "name": "name",
        "description": "description",
        "version": "version",
        "tasks": "tasks",
        "input_parameters": "inputParameters",
        "output_parameters": "outputParameters",
        "failure_workflow": "failureWorkflow",
        "schema_version": "schemaVersion",
        "restartable": "restartable",
        "workflow_status_listener_enabled": "workflowStatusListenerEnabled",
        "workflow_status_listener_sink": "workflowStatusListenerSink",
        "owner_email": "ownerEmail",
        "timeout_policy": "timeoutPolicy",
        "timeout_seconds": "timeoutSeconds",
        "variables": "variables",
        "input_template": "inputTemplate",
        "input_schema": "inputSchema",
        "output_schema": "outputSchema",
        "enforce_schema": "enforceSchema",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "timeout_policy": ("TIME_OUT_WF", "ALERT_ONLY"),
    }

    owner_app: str | None
    create_time: int | None
    update_time: int | None
    created_by: str | None
    updated_by: str | None
    name: str | None
    description: str | None
    version: int | None
    tasks: list[WorkflowTask] | None
    input_parameters: list[str] | None
    output_parameters: dict[str, Any] | None
    failure_workflow: str | None
    schema_version: int | None
    restartable: bool | None
    workflow_status_listener_enabled: bool | None
    workflow_status_listener_sink: str | None
    owner_email: str | None
    timeout_policy: str | None
    timeout_seconds: int | None
    variables: dict[str, Any] | None
    input_template: dict[str, Any] | None
    input_schema: SchemaDef | None
    output_schema: SchemaDef | None
    enforce_schema: bool | None

    def __init__(
        self,
        owner_app: str | None = None,
        create_time: int | None = None,
        update_time: int | None = None,
        created_by: str | None = None,
        updated_by: str | None = None,
        name: str | None = None,
        description: str | None = None,
        version: int | None = None,
        tasks: list[WorkflowTask] | None = None,
        input_parameters: list[str] | None = None,
        output_parameters: dict[str, Any] | None = None,
        failure_workflow: str | None = None,
        schema_version: int | None = None,
        restartable: bool | None = None,
        workflow_status_listener_enabled: bool | None = None,
        workflow_status_listener_sink: str | None = None,
        owner_email: str | None = None,
        timeout_policy: str | None = None,
        timeout_seconds: int | None = None,
        variables: dict[str, Any] | None = None,
        input_template: dict[str, Any] | None = None,
        input_schema: SchemaDef | None = None,
        output_schema: SchemaDef | None = None,
        enforce_schema: bool | None = None,
    ) -> None:
        self._init_fields(locals())
        if self.tasks is None:
            self.tasks = []
        if self.output_parameters is None:
            self.output_parameters = {}
