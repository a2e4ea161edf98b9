"""A workflow execution: its status, input, output and tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from conductor.client.http.models._base import Model
from conductor.client.http.models.workflow_run import (
    WORKFLOW_STATUSES,
    _TaskLookup,
    _WorkflowStatusChecks,
)

if TYPE_CHECKING:
    from conductor.client.http.models.task import Task
    from conductor.client.http.models.workflow_def import WorkflowDef


class Workflow(_WorkflowStatusChecks, _TaskLookup, Model):
    """A workflow execution as returned by ``GET /workflow/{id}``.

    The constructor follows conductor-python's keyword order; ``failed_task_names``,
    ``history``, ``idempotency_key``, ``rate_limit_key`` and ``rate_limited`` come last.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "owner_app": "str",
        "create_time": "int",
        "update_time": "int",
        "created_by": "str",
        "updated_by": "str",
        "status": "str",
        "end_time": "int",
        "workflow_id": "str",
        "parent_workflow_id": "str",
        "parent_workflow_task_id": "str",
        "tasks": "list[Task]",
        "input": "dict(str, object)",
        "output": "dict(str, object)",
        "correlation_id": "str",
        "re_run_from_workflow_id": "str",
        "reason_for_incompletion": "str",
        "event": "str",
        "task_to_domain": "dict(str, str)",
        "failed_reference_task_names": "list[str]",
        "workflow_definition": "WorkflowDef",
        "external_input_payload_storage_path": "str",
        "external_output_payload_storage_path": "str",
        "priority": "int",
        "variables": "dict(str, object)",
        "last_retried_time": "int",
        "start_time": "int",
        "workflow_name": "str",
        "workflow_version": "int",
        "failed_task_names": "list[str]",
        "history": "list[Workflow]",
        "idempotency_key": "str",
        "rate_limit_key": "str",
        "rate_limited": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "owner_app": "ownerApp",
        "create_time": "createTime",
        "update_time": "updateTime",
        "created_by": "createdBy",
        "updated_by": "updatedBy",
        "status": "status",
        "end_time": "endTime",
        "workflow_id": "workflowId",
        "parent_workflow_id": "parentWorkflowId",
        "parent_workflow_task_id": "parentWorkflowTaskId",
        "tasks": "tasks",
        "input": "input",
        "output": "output",
        "correlation_id": "correlationId",
        "re_run_from_workflow_id": "reRunFromWorkflowId",
        "reason_for_incompletion": "reasonForIncompletion",
        "event": "event",
        "task_to_domain": "taskToDomain",
        "failed_reference_task_names": "failedReferenceTaskNames",
        "workflow_definition": "workflowDefinition",
        "external_input_payload_storage_path": "externalInputPayloadStoragePath",
        "external_output_payload_storage_path": "externalOutputPayloadStoragePath",
        "priority": "priority",
        "variables": "variables",
        "last_retried_time": "lastRetriedTime",
        "start_time": "startTime",
        "workflow_name": "workflowName",
        "workflow_version": "workflowVersion",
        "failed_task_names": "failedTaskNames",
        "history": "history",
        "idempotency_key": "idempotencyKey",
        "rate_limit_key": "rateLimitKey",
        "rate_limited": "rateLimited",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "status": WORKFLOW_STATUSES,
    }

    owner_app: str | None
    create_time: int | None
    update_time: int | None
    created_by: str | None
    updated_by: str | None
    end_time: int | None
    workflow_id: str | None
    parent_workflow_id: str | None
    parent_workflow_task_id: str | None
    input: dict[str, Any] | None
    output: dict[str, Any] | None
    correlation_id: str | None
    re_run_from_workflow_id: str | None
    reason_for_incompletion: str | None
    event: str | None
    task_to_domain: dict[str, str] | None
    failed_reference_task_names: list[str] | None
    workflow_definition: WorkflowDef | None
    external_input_payload_storage_path: str | None
    external_output_payload_storage_path: str | None
    priority: int | None
    variables: dict[str, Any] | None
    last_retried_time: int | None
    start_time: int | None
    workflow_name: str | None
    workflow_version: int | None
    failed_task_names: list[str] | None
    history: list[Workflow] | None
    idempotency_key: str | None
    rate_limit_key: str | None
    rate_limited: bool | None

    def __init__(
        self,
        owner_app: str | None = None,
        create_time: int | None = None,
        update_time: int | None = None,
        created_by: str | None = None,
        updated_by: str | None = None,
        status: str | None = None,
        end_time: int | None = None,
        workflow_id: str | None = None,
        parent_workflow_id: str | None = None,
        parent_workflow_task_id: str | None = None,
        tasks: list[Task] | None = None,
        input: dict[str, Any] | None = None,
        output: dict[str, Any] | None = None,
        correlation_id: str | None = None,
        re_run_from_workflow_id: str | None = None,
        reason_for_incompletion: str | None = None,
        event: str | None = None,
        task_to_domain: dict[str, str] | None = None,
        failed_reference_task_names: list[str] | None = None,
        workflow_definition: WorkflowDef | None = None,
        external_input_payload_storage_path: str | None = None,
        external_output_payload_storage_path: str | None = None,
        priority: int | None = None,
        variables: dict[str, Any] | None = None,
        last_retried_time: int | None = None,
        start_time: int | None = None,
        workflow_name: str | None = None,
        workflow_version: int | None = None,
        failed_task_names: list[str] | None = None,
        history: list[Workflow] | None = None,
        idempotency_key: str | None = None,
        rate_limit_key: str | None = None,
        rate_limited: bool | None = None,
    ) -> None:
        self._init_fields(locals())
