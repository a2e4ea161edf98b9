"""The result a worker reports for a task, with helpers to build it."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from conductor.client.http.models._base import Model, coerce_enum
from conductor.client.http.models.task_exec_log import TaskExecLog
from conductor.client.http.models.task_result_status import TaskResultStatus


class TaskResult(Model):
    """What a worker reports for a task (body of ``POST /tasks``).

    ``status`` accepts a :class:`TaskResultStatus` or its name and always holds the enum.
    ``extend_lease=True`` makes an update a heartbeat that only extends the task's lease.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "workflow_instance_id": "str",
        "task_id": "str",
        "reason_for_incompletion": "str",
        "callback_after_seconds": "int",
        "worker_id": "str",
        "status": "str",
        "output_data": "dict(str, object)",
        "logs": "list[TaskExecLog]",
        "external_output_payload_storage_path": "str",
        "sub_workflow_id": "str",
        "extend_lease": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "workflow_instance_id": "workflowInstanceId",
        "task_id": "taskId",
        "reason_for_incompletion": "reasonForIncompletion",
        "callback_after_seconds": "callbackAfterSeconds",
        "worker_id": "workerId",
        "status": "status",
        "output_data": "outputData",
        "logs": "logs",
        "external_output_payload_storage_path": "externalOutputPayloadStoragePath",
        "sub_workflow_id": "subWorkflowId",
        "extend_lease": "extendLease",
    }

    workflow_instance_id: str | None
    task_id: str | None
    reason_for_incompletion: str | None
    callback_after_seconds: int | None
    worker_id: str | None
    output_data: dict[str, Any] | None
    logs: list[TaskExecLog] | None
    external_output_payload_storage_path: str | None
    sub_workflow_id: str | None
    extend_lease: bool | None

    def __init__(
        self,
        workflow_instance_id: str | None = None,
        task_id: str | None = None,
        reason_for_incompletion: str | None = None,
        callback_after_seconds: int | None = None,
        worker_id: str | None = None,
        status: TaskResultStatus | str | None = None,
        output_data: dict[str, Any] | None = None,
        logs: list[TaskExecLog] | None = None,
        external_output_payload_storage_path: str | None = None,
        sub_workflow_id: str | None = None,
        extend_lease: bool | None = False,
    ) -> None:
        self._init_fields(locals())

    _status: TaskResultStatus | None

    @property
    def status(self) -> TaskResultStatus | None:
        """The reported status."""
        return self._status

    @status.setter
    def status(self, status: TaskResultStatus | str | None) -> None:
        self._status = coerce_enum(TaskResultStatus, "status", status)

    def add_output_data(self, key: str, value: Any) -> TaskResult:
        """Set ``output_data[key] = value``, creating the dict if needed; returns self."""
        if self.output_data is None:
            self.output_data = {}
        self.output_data[key] = value
        return self

    def log(self, log: str) -> TaskResult:
        """Append a :class:`TaskExecLog` stamped with the current time in ms; returns self."""
        entry = TaskExecLog(log=log, task_id=self.task_id, created_time=int(time.time() * 1000))
        if self.logs is None:
            self.logs = []
        self.logs.append(entry)
        return self

    @staticmethod
    def complete() -> TaskResult:
        """Return a new COMPLETED result."""
        return TaskResult.new_task_result(TaskResultStatus.COMPLETED)

    @staticmethod
    def failed(failure_reason: str | None = None) -> TaskResult:
        """Return a new FAILED result with ``failure_reason`` as its reason for incompletion."""
        result = TaskResult.new_task_result(TaskResultStatus.FAILED)
        result.reason_for_incompletion = failure_reason
        return result

    @staticmethod
    def in_progress() -> TaskResult:
        """Return a new IN_PROGRESS result."""
        return TaskResult.new_task_result(TaskResultStatus.IN_PROGRESS)

    @staticmethod
    def new_task_result(status: TaskResultStatus | str) -> TaskResult:
        """Return a new result with ``status`` (a :class:`TaskResultStatus` or its name)."""
        return TaskResult(status=status)
