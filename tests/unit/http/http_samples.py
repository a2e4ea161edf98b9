"""Server-shaped JSON samples (field names and shapes from the REST reference)."""

from __future__ import annotations

from typing import Any

TASK_DEF_JSON: dict[str, Any] = {
    "createTime": 1700000000000,
    "createdBy": "admin",
    "name": "image_resize",
    "description": "Resize an image",
    "retryCount": 3,
    "timeoutSeconds": 600,
    "inputKeys": ["url"],
    "outputKeys": ["thumbnail"],
    "timeoutPolicy": "TIME_OUT_WF",
    "retryLogic": "FIXED",
    "retryDelaySeconds": 60,
    "responseTimeoutSeconds": 300,
    "inputTemplate": {},
    "rateLimitPerFrequency": 0,
    "rateLimitFrequencyInSeconds": 1,
    "ownerEmail": "team@example.com",
    "pollTimeoutSeconds": 3600,
    "backoffScaleFactor": 1,
}

WORKFLOW_TASK_JSON: dict[str, Any] = {
    "name": "image_resize",
    "taskReferenceName": "resize_ref",
    "inputParameters": {"url": "${workflow.input.url}"},
    "type": "SIMPLE",
    "startDelay": 0,
    "optional": False,
    "asyncComplete": False,
    "taskDefinition": TASK_DEF_JSON,
}

TASK_JSON: dict[str, Any] = {
    "taskType": "image_resize",
    "status": "IN_PROGRESS",
    "inputData": {"url": "https://example.com/a.png", "sizes": [64, 128], "meta": {"k": "v"}},
    "referenceTaskName": "resize_ref",
    "retryCount": 0,
    "seq": 1,
    "correlationId": "order-42",
    "pollCount": 1,
    "taskDefName": "image_resize",
    "scheduledTime": 1700000000100,
    "startTime": 1700000000200,
    "endTime": 0,
    "updateTime": 1700000000200,
    "startDelayInSeconds": 0,
    "retried": False,
    "executed": False,
    "callbackFromWorker": True,
    "responseTimeoutSeconds": 300,
    "workflowInstanceId": "wf-7f9d",
    "workflowType": "thumbnails",
    "taskId": "task-3b1c",
    "callbackAfterSeconds": 0,
    "workerId": "host-1",
    "outputData": {},
    "workflowTask": WORKFLOW_TASK_JSON,
    "rateLimitPerFrequency": 0,
    "rateLimitFrequencyInSeconds": 1,
    "workflowPriority": 0,
    "iteration": 0,
    "subworkflowChanged": False,
    "firstStartTime": 0,
    "queueWaitTime": 100,
    "loopOverTask": False,
    "taskDefinition": TASK_DEF_JSON,
    "executionMetadata": {"serverSendTime": 1700000000200},
}

ERROR_404_JSON: dict[str, Any] = {
    "status": 404,
    "message": "No such task found by id: abc",
    "instance": "host-1",
    "retryable": False,
}
