"""Server-shaped JSON -> ``ApiClient.deserialize`` -> model -> ``sanitize_for_serialization``."""

from __future__ import annotations

import json
from typing import Any

import requests

from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import (
    StartWorkflowRequest,
    Task,
    TaskDef,
    TaskExecLog,
    TaskResultStatus,
    Workflow,
    WorkflowDef,
    WorkflowTask,
)
from conductor.client.http.rest import RESTResponse

# The polled task of the REST reference (section 5).
POLLED_TASK: dict[str, Any] = {
    "taskType": "send_email",
    "status": "IN_PROGRESS",
    "inputData": {"to": "a@b.c"},
    "referenceTaskName": "send_email_ref",
    "retryCount": 0,
    "seq": 1,
    "pollCount": 1,
    "taskDefName": "send_email",
    "scheduledTime": 1767225600000,
    "startTime": 1767225600350,
    "endTime": 0,
    "updateTime": 1767225600350,
    "startDelayInSeconds": 0,
    "retried": False,
    "executed": False,
    "callbackFromWorker": True,
    "responseTimeoutSeconds": 3600,
    "workflowInstanceId": "wf-1",
    "workflowType": "notify",
    "taskId": "t-1",
    "callbackAfterSeconds": 0,
    "workerId": "host-a",
    "outputData": {},
    "workflowTask": {
        "name": "send_email",
        "taskReferenceName": "send_email_ref",
        "type": "SIMPLE",
        "inputParameters": {},
    },
    "rateLimitPerFrequency": 0,
    "rateLimitFrequencyInSeconds": 0,
    "workflowPriority": 0,
    "iteration": 0,
    "subworkflowChanged": False,
    "firstStartTime": 0,
    "queueWaitTime": 350,
    "loopOverTask": False,
}


def _response(body: Any, status: int = 200) -> RESTResponse:
    raw = requests.Response()
    raw.status_code = status
    raw.reason = "OK"
    raw.headers["Content-Type"] = "application/json"
    raw._content = json.dumps(body).encode()
    return RESTResponse(raw)


def _round_trip(body: Any, response_type: str) -> tuple[Any, Any]:
    client = ApiClient()
    value = client.deserialize(_response(body), response_type)
    return value, client.sanitize_for_serialization(value)


def test_polled_task_round_trips() -> None:
    task, wire = _round_trip(POLLED_TASK, "Task")
    assert isinstance(task, Task)
    assert wire == POLLED_TASK
    assert task.task_id == "t-1"
    assert task.status == "IN_PROGRESS"
    assert task.input_data == {"to": "a@b.c"}
    assert task.workflow_instance_id == "wf-1"
    assert task.response_timeout_seconds == 3600
    assert task.callback_from_worker is True
    assert task.subworkflow_changed is False
    assert isinstance(task.workflow_task, WorkflowTask)
    assert task.workflow_task.task_reference_name == "send_email_ref"


def test_batch_poll_list_round_trips() -> None:
    second = {**POLLED_TASK, "taskId": "t-2", "inputData": {"to": "c@d.e", "n": [1, 2.5]}}
    tasks, wire = _round_trip([POLLED_TASK, second], "list[Task]")
    assert [task.task_id for task in tasks] == ["t-1", "t-2"]
    assert wire == [POLLED_TASK, second]


def test_deserialized_task_equals_one_built_by_hand() -> None:
    body = {
        "taskId": "t-1",
        "status": "SCHEDULED",
        "inputData": {"x": 1},
        "workflowInstanceId": "wf-1",
        "taskDefinition": {"name": "send_email", "retryCount": 3, "timeoutPolicy": "TIME_OUT_WF"},
    }
    task, _ = _round_trip(body, "Task")
    assert task == Task(
        task_id="t-1",
        status="SCHEDULED",
        input_data={"x": 1},
        workflow_instance_id="wf-1",
        task_definition=TaskDef(name="send_email", retry_count=3, timeout_policy="TIME_OUT_WF"),
    )


def test_task_result_serialises_with_the_server_keys() -> None:
    result = Task(task_id="t-1", workflow_instance_id="wf-1", worker_id="host-a").to_task_result()
    result.add_output_data("sent", True)
    result.logs = [TaskExecLog(log="done", task_id="t-1", created_time=1767225600400)]
    result.callback_after_seconds = 0
    assert ApiClient().sanitize_for_serialization(result) == {
        "workflowInstanceId": "wf-1",
        "taskId": "t-1",
        "callbackAfterSeconds": 0,
        "workerId": "host-a",
        "status": "COMPLETED",
        "outputData": {"sent": True},
        "logs": [{"log": "done", "taskId": "t-1", "createdTime": 1767225600400}],
        "extendLease": False,
    }


def test_task_result_json_round_trips_with_an_enum_status() -> None:
    body = {
        "workflowInstanceId": "wf-1",
        "taskId": "t-1",
        "reasonForIncompletion": "disk full",
        "status": "FAILED_WITH_TERMINAL_ERROR",
        "outputData": {"error": {"code": 28}},
        "logs": [{"log": "boom", "taskId": "t-1", "createdTime": 5}],
        "subWorkflowId": "sub-1",
        "extendLease": False,
    }
    result, wire = _round_trip(body, "TaskResult")
    assert result.status is TaskResultStatus.FAILED_WITH_TERMINAL_ERROR
    assert result.logs == [TaskExecLog("boom", "t-1", 5)]
    assert wire == body


def test_workflow_with_tasks_and_definition_round_trips() -> None:
    body = {
        "workflowId": "wf-1",
        "workflowName": "notify",
        "workflowVersion": 1,
        "status": "RUNNING",
        "input": {"to": "a@b.c"},
        "output": {},
        "tasks": [POLLED_TASK],
        "taskToDomain": {"*": "mydomain"},
        "failedReferenceTaskNames": [],
        "createTime": 1767225600000,
        "startTime": 1767225600000,
        "priority": 0,
        "variables": {},
        "workflowDefinition": {
            "name": "notify",
            "version": 1,
            "schemaVersion": 2,
            "timeoutSeconds": 0,
            "timeoutPolicy": "ALERT_ONLY",
            "restartable": True,
            "inputParameters": ["to"],
            "outputParameters": {"sent": "${send_email_ref.output.sent}"},
            "tasks": [POLLED_TASK["workflowTask"]],
        },
    }
    workflow, wire = _round_trip(body, "Workflow")
    assert isinstance(workflow, Workflow)
    assert workflow.is_running()
    assert workflow.current_task is not None
    assert workflow.current_task.task_id == "t-1"
    assert isinstance(workflow.workflow_definition, WorkflowDef)
    assert workflow.workflow_definition.tasks[0] == WorkflowTask(
        name="send_email",
        task_reference_name="send_email_ref",
        type="SIMPLE",
        input_parameters={},
    )
    assert wire == body


def test_both_dynamic_fork_params_survive_the_wire() -> None:
    body = {
        "name": "fork",
        "taskReferenceName": "fork_ref",
        "type": "FORK_JOIN_DYNAMIC",
        "dynamicForkTasksParam": "dynamicTasks",
        "dynamicForkJoinTasksParam": "legacyTasks",
        "dynamicForkTasksInputParamName": "dynamicTasksInput",
        "decisionCases": {"a": [{"name": "x", "taskReferenceName": "x_ref"}]},
        "forkTasks": [[{"name": "y", "taskReferenceName": "y_ref"}]],
        "onStateChange": {"onFailed": [{"type": "kafka", "payload": {"k": "v"}}]},
        "cacheConfig": {"key": "k", "ttlInSecond": 60},
    }
    task, wire = _round_trip(body, "WorkflowTask")
    assert task.dynamic_fork_tasks_param == "dynamicTasks"
    assert task.dynamic_fork_join_tasks_param == "legacyTasks"
    assert task.decision_cases["a"][0].task_reference_name == "x_ref"
    assert task.fork_tasks[0][0].task_reference_name == "y_ref"
    assert task.cache_config.ttl_in_second == 60
    assert wire == body


def test_task_def_with_schemas_round_trips() -> None:
    body = {
        "name": "send_email",
        "retryCount": 3,
        "retryLogic": "EXPONENTIAL_BACKOFF",
        "retryDelaySeconds": 60,
        "timeoutSeconds": 0,
        "timeoutPolicy": "TIME_OUT_WF",
        "responseTimeoutSeconds": 3600,
        "inputKeys": ["to"],
        "inputSchema": {
            "name": "email_in",
            "version": 1,
            "type": "JSON",
            "data": {"type": "object"},
        },
        "enforceSchema": True,
    }
    task_def, wire = _round_trip(body, "TaskDef")
    assert task_def.input_schema.name == "email_in"
    assert wire == body


def test_start_workflow_request_sends_the_default_strategy() -> None:
    request = StartWorkflowRequest(name="notify", input={"to": "a@b.c"}, correlation_id="c-1")
    assert ApiClient().sanitize_for_serialization(request) == {
        "name": "notify",
        "correlationId": "c-1",
        "input": {"to": "a@b.c"},
        "idempotencyStrategy": "FAIL",
    }
