"""Server-side records kept as JSON-shaped dicts (camelCase keys, as Conductor stores them).

Records are replaced field by field, never mutated deep inside: nested values (``inputData``,
``outputData``, ``workflowTask``) are swapped for new objects, so a rendered snapshot can be
serialised outside the engine lock.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

JsonDict = dict[str, Any]

SCHEDULED = "SCHEDULED"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
COMPLETED_WITH_ERRORS = "COMPLETED_WITH_ERRORS"
FAILED = "FAILED"
TIMED_OUT = "TIMED_OUT"
FAILED_WITH_TERMINAL_ERROR = "FAILED_WITH_TERMINAL_ERROR"
CANCELED = "CANCELED"
SKIPPED = "SKIPPED"

TERMINAL_TASK_STATUSES = frozenset(
    {
        COMPLETED,
        COMPLETED_WITH_ERRORS,
        FAILED,
        TIMED_OUT,
        FAILED_WITH_TERMINAL_ERROR,
        CANCELED,
        SKIPPED,
    }
)
SUCCESSFUL_TASK_STATUSES = frozenset({COMPLETED, COMPLETED_WITH_ERRORS, SKIPPED})
RETRIABLE_TASK_STATUSES = frozenset({FAILED, TIMED_OUT})
RESULT_STATUSES = frozenset({IN_PROGRESS, COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR, CANCELED})

RUNNING = "RUNNING"
PAUSED = "PAUSED"
TERMINATED = "TERMINATED"
TERMINAL_WORKFLOW_STATUSES = frozenset({COMPLETED, FAILED, TIMED_OUT, TERMINATED})

REASON_MAX_CHARS = 500
LOGS_PER_UPDATE = 10


def now_ms() -> int:
    """Wall-clock time in epoch milliseconds, as Conductor timestamps are."""
    return int(time.time() * 1000)


def new_id() -> str:
    """A fresh task or workflow id."""
    return str(uuid.uuid4())


def queue_name(task_type: str, domain: str | None) -> str:
    """Conductor's queue key: ``taskType``, or ``domain:taskType`` when a domain is set."""
    return task_type if domain is None else f"{domain}:{task_type}"


def default_task_def(name: str) -> JsonDict:
    """The TaskDef the server assumes for a SIMPLE task nobody registered."""
    return {
        "name": name,
        "retryCount": 3,
        "timeoutSeconds": 0,
        "inputKeys": [],
        "outputKeys": [],
        "timeoutPolicy": "TIME_OUT_WF",
        "retryLogic": "FIXED",
        "retryDelaySeconds": 60,
        "responseTimeoutSeconds": 3600,
        "inputTemplate": {},
        "backoffScaleFactor": 1,
        "totalTimeoutSeconds": 0,
        "backoffJitterMs": 0,
        "maxRetryDelaySeconds": 0,
        "enforceSchema": False,
        "taskStatusListenerEnabled": True,
    }


def new_task(
    workflow: JsonDict,
    workflow_task: JsonDict,
    *,
    seq: int,
    input_data: JsonDict,
    domain: str | None,
    delay_seconds: int,
    retry_count: int = 0,
) -> JsonDict:
    """A SCHEDULED task record for ``workflow_task`` inside ``workflow``."""
    task_def = workflow_task.get("taskDefinition") or {}
    name = workflow_task["name"]
    return {
        "taskType": name,
        "status": SCHEDULED,
        "inputData": input_data,
        "referenceTaskName": workflow_task["taskReferenceName"],
        "retryCount": retry_count,
        "seq": seq,
        "correlationId": workflow.get("correlationId"),
        "pollCount": 0,
        "taskDefName": name,
        "scheduledTime": now_ms(),
        "startTime": 0,
        "endTime": 0,
        "updateTime": 0,
        "startDelayInSeconds": delay_seconds,
        "retriedTaskId": None,
        "retried": False,
        "executed": False,
        "callbackFromWorker": True,
        "responseTimeoutSeconds": int(task_def.get("responseTimeoutSeconds") or 0),
        "workflowInstanceId": workflow["workflowId"],
        "workflowType": workflow["workflowName"],
        "taskId": new_id(),
        "reasonForIncompletion": None,
        "callbackAfterSeconds": delay_seconds,
        "workerId": None,
        "outputData": {},
        "workflowTask": workflow_task,
        "domain": domain,
        "rateLimitPerFrequency": int(task_def.get("rateLimitPerFrequency") or 0),
        "rateLimitFrequencyInSeconds": int(task_def.get("rateLimitFrequencyInSeconds") or 0),
        "externalInputPayloadStoragePath": None,
        "externalOutputPayloadStoragePath": None,
        "workflowPriority": int(workflow.get("priority") or 0),
        "iteration": 0,
        "subWorkflowId": None,
        "subworkflowChanged": False,
        "firstStartTime": 0,
    }


def render_task(task: JsonDict, now: int) -> JsonDict:
    """The task as the server writes it: nulls left out, computed properties added."""
    out = {key: value for key, value in task.items() if value is not None}
    out["queueWaitTime"] = _queue_wait_time(task, now)
    out["loopOverTask"] = task["iteration"] > 0
    task_def = task["workflowTask"].get("taskDefinition")
    if task_def is not None:
        out["taskDefinition"] = task_def
    return out


def _queue_wait_time(task: JsonDict, now: int) -> int:
    start, scheduled = task["startTime"], task["scheduledTime"]
    if start <= 0 or scheduled <= 0:
        return 0
    callback = task["callbackAfterSeconds"]
    if task["updateTime"] > 0 and callback > 0:
        return max(0, now - int(task["updateTime"] + callback * 1000))
    return int(start - scheduled)


def new_workflow(
    definition: JsonDict,
    *,
    workflow_input: JsonDict,
    correlation_id: str | None,
    priority: int,
    task_to_domain: dict[str, str],
    created_by: str | None = None,
    idempotency_key: str | None = None,
) -> JsonDict:
    """A RUNNING workflow record (tasks are kept apart, see ``Engine``)."""
    created = now_ms()
    return {
        "workflowId": new_id(),
        "status": RUNNING,
        "workflowName": definition["name"],
        "workflowVersion": definition.get("version", 1),
        "correlationId": correlation_id,
        "input": workflow_input,
        "output": {},
        "taskToDomain": task_to_domain,
        "reasonForIncompletion": None,
        "createTime": created,
        "startTime": created,
        "endTime": 0,
        "updateTime": created,
        "createdBy": created_by,
        "priority": priority,
        "variables": {},
        "failedReferenceTaskNames": [],
        "failedTaskNames": [],
        "workflowDefinition": definition,
        "lastRetriedTime": 0,
        "idempotencyKey": idempotency_key,
        "rateLimited": False,
        "history": [],
    }


def render_workflow(workflow: JsonDict, tasks: list[JsonDict]) -> JsonDict:
    """The workflow as the server writes it, with the given (already rendered) tasks."""
    out = {key: value for key, value in workflow.items() if value is not None}
    out["tasks"] = tasks
    return out
