"""A workflow as listed by a workflow search; times are ISO-8601 strings, input/output JSON text."""

from __future__ import annotations

from typing import ClassVar

from conductor.client.http.models._base import Model
from conductor.client.http.models.workflow_run import WORKFLOW_STATUSES


class WorkflowSummary(Model):
    """A workflow as listed by a workflow search; times are ISO-8601 strings, input/output JSON text."""

    swagger_types: ClassVar[dict[str, str]] = {
        "workflow_type": "str",
        "version": "int",
        "workflow_id": "str",
        "correlation_id": "str",
        "start_time": "str",
        "update_time": "str",
        "end_time": "str",
        "status": "str",
        "input": "str",
        "output": "str",
        "reason_for_incompletion": "str",
        "execution_time": "int",
        "event": "str",
        "failed_reference_task_names": "str",
        "external_input_payload_storage_path": "str",
        "external_output_payload_storage_path": "str",
        "priority": "int",
        "output_size": "int",
        "input_size": "int",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "workflow_type": "workflowType",
        "version": "version",
        "workflow_id": "workflowId",
        "correlation_id": "correlationId",
        "start_time": "startTime",
        "update_time": "updateTime",
        "end_time": "endTime",
        "status": "status",
        "input": "input",
        "output": "output",
        "reason_for_incompletion": "reasonForIncompletion",
        "execution_time": "executionTime",
        "event": "event",
        "failed_reference_task_names": "failedReferenceTaskNames",
        "external_input_payload_storage_path": "externalInputPayloadStoragePath",
        "external_output_payload_storage_path": "externalOutputPayloadStoragePath",
        "priority": "priority",
        "output_size": "outputSize",
        "input_size": "inputSize",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "status": WORKFLOW_STATUSES,
    }

    workflow_type: str | None
    version: int | None
    workflow_id: str | None
    correlation_id: str | None
    start_time: str | None
    update_time: str | None
    end_time: str | None
    status: str | None
    input: str | None
    output: str | None
    reason_for_incompletion: str | None
    execution_time: int | None
    event: str | None
    failed_reference_task_names: str | None
    external_input_payload_storage_path: str | None
    external_output_payload_storage_path: str | None
    priority: int | None
    output_size: int | None
    input_size: int | None

    def __init__(
        self,
        workflow_type: str | None = None,
        version: int | None = None,
        workflow_id: str | None = None,
        correlation_id: str | None = None,
        start_time: str | None = None,
        update_time: str | None = None,
        end_time: str | None = None,
        status: str | None = None,
        input: str | None = None,
        output: str | None = None,
        reason_for_incompletion: str | None = None,
        execution_time: int | None = None,
        event: str | None = None,
        failed_reference_task_names: str | None = None,
        external_input_payload_storage_path: str | None = None,
        external_output_payload_storage_path: str | None = None,
        priority: int | None = None,
        output_size: int | None = None,
        input_size: int | None = None,
    ) -> None:
        self._init_fields(locals())
