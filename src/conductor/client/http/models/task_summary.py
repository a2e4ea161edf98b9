"""A task as listed by a task search; times are ISO-8601 strings, input/output are JSON text."""

from __future__ import annotations

from typing import ClassVar

from conductor.client.http.models._base import Model
from conductor.client.http.models.task import TASK_STATUSES


class TaskSummary(Model):
    """A task as listed by a task search; times are ISO-8601 strings, input/output are JSON text."""

    swagger_types: ClassVar[dict[str, str]] = {
        "workflow_id": "str",
        "workflow_type": "str",
        "correlation_id": "str",
        "scheduled_time": "str",
        "start_time": "str",
        "update_time": "str",
        "end_time": "str",
        "status": "str",
        "reason_for_incompletion": "str",
        "execution_time": "int",
        "queue_wait_time": "int",
        "task_def_name": "str",
        "task_type": "str",
        "input": "str",
        "output": "str",
        "task_id": "str",
        "external_input_payload_storage_path": "str",
        "external_output_payload_storage_path": "str",
        "workflow_priority": "int",
        "domain": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "workflow_id": "workflowId",
        "workflow_type": "workflowType",
        "correlation_id": "correlationId",
        "scheduled_time": "scheduledTime",
        "start_time": "startTime",
        "update_time": "updateTime",
        "end_time": "endTime",
        "status": "status",
        "reason_for_incompletion": "reasonForIncompletion",
        "execution_time": "executionTime",
        "queue_wait_time": "queueWaitTime",
        "task_def_name": "taskDefName",
        "task_type": "taskType",
        "input": "input",
        "output": "output",
        "task_id": "taskId",
        "external_input_payload_storage_path": "externalInputPayloadStoragePath",
        "external_output_payload_storage_path": "externalOutputPayloadStoragePath",
        "workflow_priority": "workflowPriority",
        "domain": "domain",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "status": TASK_STATUSES,
    }

    workflow_id: str | None
    workflow_type: str | None
    correlation_id: str | None
    scheduled_time: str | None
    start_time: str | None
    update_time: str | None
    end_time: str | None
    status: str | None
    reason_for_incompletion: str | None
    execution_time: int | None
    queue_wait_time: int | None
    task_def_name: str | None
    task_type: str | None
    input: str | None
    output: str | None
    task_id: str | None
    external_input_payload_storage_path: str | None
    external_output_payload_storage_path: str | None
    workflow_priority: int | None
    domain: str | None

    def __init__(
        self,
        workflow_id: str | None = None,
        workflow_type: str | None = None,
        correlation_id: str | None = None,
        scheduled_time: str | None = None,
        start_time: str | None = None,
        update_time: str | None = None,
        end_time: str | None = None,
        status: str | None = None,
        reason_for_incompletion: str | None = None,
        execution_time: int | None = None,
        queue_wait_time: int | None = None,
        task_def_name: str | None = None,
        task_type: str | None = None,
        input: str | None = None,
        output: str | None = None,
        task_id: str | None = None,
        external_input_payload_storage_path: str | None = None,
        external_output_payload_storage_path: str | None = None,
        workflow_priority: int | None = None,
        domain: str | None = None,
    ) -> None:
        self._init_fields(locals())
