"""A task as the server sends it to workers (``GET /tasks/poll``) and in workflows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from conductor.client.http.models._base import Model
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus

if TYPE_CHECKING:
    from conductor.client.http.models.task_def import TaskDef
    from conductor.client.http.models.workflow_task import WorkflowTask


# Every status a task can have on the server; only SCHEDULED and IN_PROGRESS are not terminal.
TASK_STATUSES = (
    "IN_PROGRESS",
    "CANCELED",
    "FAILED",
    "FAILED_WITH_TERMINAL_ERROR",
    "COMPLETED",
    "COMPLETED_WITH_ERRORS",
    "SCHEDULED",
    "TIMED_OUT",
    "SKIPPED",
)


class Task(Model):
    """A task handed to a worker by a poll, or listed in a workflow execution.

    The constructor takes every field as a keyword, in the order conductor-python uses
    (``task_type``, ``status``, ``input_data``, ...); ``parent_task_id`` and
    ``first_start_time`` come last. ``status`` must be one of :data:`TASK_STATUSES`.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "task_type": "str",
        "status": "str",
        "input_data": "dict(str, object)",
        "reference_task_name": "str",
        "retry_count": "int",
        "seq": "int",
        "correlation_id": "str",
        "poll_count": "int",
        "task_def_name": "str",
        "scheduled_time": "int",
        "start_time": "int",
        "end_time": "int",
        "update_time": "int",
        "start_delay_in_seconds": "int",
        "retried_task_id": "str",
        "retried": "bool",
        "executed": "bool",
        "callback_from_worker": "bool",
        "response_timeout_seconds": "int",
        "workflow_instance_id": "str",
        "workflow_type": "str",
        "task_id": "str",
        "reason_for_incompletion": "str",
        "callback_after_seconds": "int",
        "worker_id": "str",
        "output_data": "dict(str, object)",
        "workflow_task": "WorkflowTask",
        "domain": "str",
        "rate_limit_per_frequency": "int",
        "rate_limit_frequency_in_seconds": "int",
        "external_input_payload_storage_path": "str",
        "external_output_payload_storage_path": "str",
        "workflow_priority": "int",
        "execution_name_space": "str",
        "isolation_group_id": "str",
        "iteration": "int",
        "sub_workflow_id": "str",
        "subworkflow_changed": "bool",
        "loop_over_task": "bool",
        "task_definition": "TaskDef",
        "queue_wait_time": "int",
        "parent_task_id": "str",
        "first_start_time": "int",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "task_type": "taskType",
        "status": "status",
        "input_data": "inputData",
        "reference_task_name": "referenceTaskName",
        "retry_count": "retryCount",
        "seq": "seq",
        "correlation_id": "correlationId",
        "poll_count": "pollCount",
        "task_def_name": "taskDefName",
        "scheduled_time": "scheduledTime",
        "start_time": "startTime",
        "end_time": "endTime",
        "update_time": "updateTime",
        "start_delay_in_seconds": "startDelayInSeconds",
        "retried_task_id": "retriedTaskId",
        "retried": "retried",
        "executed": "executed",
        "callback_from_worker": "callbackFromWorker",
        "response_timeout_seconds": "responseTimeoutSeconds",
        "workflow_instance_id": "workflowInstanceId",
        "workflow_type": "workflowType",
        "task_id": "taskId",
        "reason_for_incompletion": "reasonForIncompletion",
        "callback_after_seconds": "callbackAfterSeconds",
        "worker_id": "workerId",
        "output_data": "outputData",
        "workflow_task": "workflowTask",
        "domain": "domain",
        "rate_limit_per_frequency": "rateLimitPerFrequency",
        "rate_limit_frequency_in_seconds": "rateLimitFrequencyInSeconds",
        "external_input_payload_storage_path": "externalInputPayloadStoragePath",
        "external_output_payload_storage_path": "externalOutputPayloadStoragePath",
        "workflow_priority": "workflowPriority",
        "execution_name_space": "executionNameSpace",
        "isolation_group_id": "isolationGroupId",
        "iteration": "iteration",
        "sub_workflow_id": "subWorkflowId",
        "subworkflow_changed": "subworkflowChanged",
        "loop_over_task": "loopOverTask",
        "task_definition": "taskDefinition",
        "queue_wait_time": "queueWaitTime",
        "parent_task_id": "parentTaskId",
        "first_start_time": "firstStartTime",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "status": TASK_STATUSES,
    }

    task_type: str | None
    status: str | None
    input_data: dict[str, Any] | None
    reference_task_name: str | None
    retry_count: int | None
    seq: int | None
    correlation_id: str | None
    poll_count: int | None
    task_def_name: str | None
    scheduled_time: int | None
    start_time: int | None
    end_time: int | None
    update_time: int | None
    start_delay_in_seconds: int | None
    retried_task_id: str | None
    retried: bool | None
    executed: bool | None
    callback_from_worker: bool | None
    response_timeout_seconds: int | None
    workflow_instance_id: str | None
    workflow_type: str | None
    task_id: str | None
    reason_for_incompletion: str | None
    callback_after_seconds: int | None
    worker_id: str | None
    output_data: dict[str, Any] | None
    workflow_task: WorkflowTask | None
    domain: str | None
    rate_limit_per_frequency: int | None
    rate_limit_frequency_in_seconds: int | None
    external_input_payload_storage_path: str | None
    external_output_payload_storage_path: str | None
    workflow_priority: int | None
    execution_name_space: str | None
    isolation_group_id: str | None
    iteration: int | None
    sub_workflow_id: str | None
    subworkflow_changed: bool | None
    loop_over_task: bool | None
    task_definition: TaskDef | None
    queue_wait_time: int | None
    parent_task_id: str | None
    first_start_time: int | None

    def __init__(
        self,
        task_type: str | None = None,
        status: str | None = None,
        input_data: dict[str, Any] | None = None,
        reference_task_name: str | None = None,
        retry_count: int | None = None,
        seq: int | None = None,
        correlation_id: str | None = None,
        poll_count: int | None = None,
        task_def_name: str | None = None,
        scheduled_time: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        update_time: int | None = None,
        start_delay_in_seconds: int | None = None,
        retried_task_id: str | None = None,
        retried: bool | None = None,
        executed: bool | None = None,
        callback_from_worker: bool | None = None,
        response_timeout_seconds: int | None = None,
        workflow_instance_id: str | None = None,
        workflow_type: str | None = None,
        task_id: str | None = None,
        reason_for_incompletion: str | None = None,
        callback_after_seconds: int | None = None,
        worker_id: str | None = None,
        output_data: dict[str, Any] | None = None,
        workflow_task: WorkflowTask | None = None,
        domain: str | None = None,
        rate_limit_per_frequency: int | None = None,
        rate_limit_frequency_in_seconds: int | None = None,
        external_input_payload_storage_path: str | None = None,
        external_output_payload_storage_path: str | None = None,
        workflow_priority: int | None = None,
        execution_name_space: str | None = None,
        isolation_group_id: str | None = None,
        iteration: int | None = None,
        sub_workflow_id: str | None = None,
        subworkflow_changed: bool | None = None,
        loop_over_task: bool | None = None,
        task_definition: TaskDef | None = None,
        queue_wait_time: int | None = None,
        parent_task_id: str | None = None,
        first_start_time: int | None = None,
    ) -> None:
        self._init_fields(locals())

    def to_task_result(
        self, status: TaskResultStatus | str = TaskResultStatus.COMPLETED
    ) -> TaskResult:
        """Start the result of this task.

        Args:
            status: The status to report, a :class:`TaskResultStatus` or its name.

        Returns:
            A new :class:`TaskResult` carrying this task's ``task_id``,
            ``workflow_instance_id`` and ``worker_id``.
        """
        return TaskResult(
            task_id=self.task_id,
            workflow_instance_id=self.workflow_instance_id,
            worker_id=self.worker_id,
            status=status,
        )
