"""Task and TaskResult: constructor order, status handling and the result helpers."""

from __future__ import annotations

import inspect
import pprint
import time

import pytest

from conductor.client.http.models import (
    Task,
    TaskDef,
    TaskExecLog,
    TaskResult,
    TaskResultStatus,
    WorkflowTask,
)

# Keyword order of conductor-python's Task; ours appends parent_task_id and first_start_time.
TASK_KEYWORDS = [
    "task_type",
    "status",
    "input_data",
    "reference_task_name",
    "retry_count",
    "seq",
    "correlation_id",
    "poll_count",
    "task_def_name",
    "scheduled_time",
    "start_time",
    "end_time",
    "update_time",
    "start_delay_in_seconds",
    "retried_task_id",
    "retried",
    "executed",
    "callback_from_worker",
    "response_timeout_seconds",
    "workflow_instance_id",
    "workflow_type",
    "task_id",
    "reason_for_incompletion",
    "callback_after_seconds",
    "worker_id",
    "output_data",
    "workflow_task",
    "domain",
    "rate_limit_per_frequency",
    "rate_limit_frequency_in_seconds",
    "external_input_payload_storage_path",
    "external_output_payload_storage_path",
    "workflow_priority",
    "execution_name_space",
    "isolation_group_id",
    "iteration",
    "sub_workflow_id",
    "subworkflow_changed",
    "loop_over_task",
    "task_definition",
    "queue_wait_time",
]
TASK_RESULT_KEYWORDS = [
    "workflow_instance_id",
    "task_id",
    "reason_for_incompletion",
    "callback_after_seconds",
    "worker_id",
    "status",
    "output_data",
    "logs",
    "external_output_payload_storage_path",
    "sub_workflow_id",
    "extend_lease",
]


def _keywords(cls: type) -> list[str]:
    return list(inspect.signature(cls.__init__).parameters)[1:]


def test_task_keyword_order_matches_conductor_python() -> None:
    assert _keywords(Task)[: len(TASK_KEYWORDS)] == TASK_KEYWORDS
    assert _keywords(Task)[len(TASK_KEYWORDS) :] == ["parent_task_id", "first_start_time"]


def test_task_positional_arguments_land_in_the_right_fields() -> None:
    values = {name: f"v-{name}" for name in TASK_KEYWORDS}
    values["status"] = "SCHEDULED"
    task = Task(*values.values())
    for name, value in values.items():
        assert getattr(task, name) == value, name


def test_task_json_names_match_the_server() -> None:
    names = Task.attribute_map
    assert names["input_data"] == "inputData"
    assert names["output_data"] == "outputData"
    assert names["workflow_instance_id"] == "workflowInstanceId"
    assert names["execution_name_space"] == "executionNameSpace"
    assert names["subworkflow_changed"] == "subworkflowChanged"
    assert names["task_def_name"] == "taskDefName"
    assert names["reference_task_name"] == "referenceTaskName"
    assert names["callback_after_seconds"] == "callbackAfterSeconds"
    assert names["response_timeout_seconds"] == "responseTimeoutSeconds"
    assert names["workflow_task"] == "workflowTask"
    assert Task.swagger_types["workflow_task"] == "WorkflowTask"
    assert Task.swagger_types["task_definition"] == "TaskDef"
    assert Task.swagger_types["input_data"] == "dict(str, object)"


def test_task_status_accepts_server_names_and_rejects_others() -> None:
    task = Task(status="IN_PROGRESS")
    assert task.status == "IN_PROGRESS"
    task.status = TaskResultStatus.COMPLETED
    assert task.status == "COMPLETED"
    with pytest.raises(ValueError, match="status"):
        Task(status="in_progress")
    with pytest.raises(ValueError, match="status"):
        task.status = "DONE"
    assert task.status == "COMPLETED"


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ((), TaskResultStatus.COMPLETED),
        ((TaskResultStatus.FAILED,), TaskResultStatus.FAILED),
        (("IN_PROGRESS",), TaskResultStatus.IN_PROGRESS),
    ],
)
def test_to_task_result_carries_the_ids(argument: tuple[object, ...], expected: object) -> None:
    task = Task(task_id="t-1", workflow_instance_id="wf-1", worker_id="host-a", status="SCHEDULED")
    result = task.to_task_result(*argument)
    assert result == TaskResult(
        task_id="t-1", workflow_instance_id="wf-1", worker_id="host-a", status=expected
    )
    assert result.status is expected


def test_task_to_dict_is_snake_case_and_recursive() -> None:
    task = Task(
        task_id="t-1",
        input_data={"to": "a@b.c", "nested": {"k": [1, 2]}},
        workflow_task=WorkflowTask(name="send", task_reference_name="send_ref"),
        task_definition=TaskDef(name="send", response_timeout_seconds=30),
    )
    as_dict = task.to_dict()
    assert as_dict["task_id"] == "t-1"
    assert as_dict["input_data"] == {"to": "a@b.c", "nested": {"k": [1, 2]}}
    assert as_dict["workflow_task"]["task_reference_name"] == "send_ref"
    assert as_dict["task_definition"]["response_timeout_seconds"] == 30
    assert as_dict["status"] is None
    assert repr(task) == pprint.pformat(as_dict)


def test_task_equality() -> None:
    assert Task(task_id="t", input_data={"a": 1}) == Task(task_id="t", input_data={"a": 1})
    assert Task(task_id="t", input_data={"a": 1}) != Task(task_id="t", input_data={"a": 2})
    assert Task(task_id="t") != TaskResult(task_id="t")


def test_task_result_keyword_order_matches_conductor_python() -> None:
    assert _keywords(TaskResult) == TASK_RESULT_KEYWORDS
    result = TaskResult("wf-1", "t-1", "why", 30, "host-a", "FAILED", {"k": 1}, [], "path", "sub")
    assert result.workflow_instance_id == "wf-1"
    assert result.task_id == "t-1"
    assert result.reason_for_incompletion == "why"
    assert result.callback_after_seconds == 30
    assert result.worker_id == "host-a"
    assert result.status is TaskResultStatus.FAILED
    assert result.output_data == {"k": 1}
    assert result.logs == []
    assert result.external_output_payload_storage_path == "path"
    assert result.sub_workflow_id == "sub"
    assert result.extend_lease is False


def test_task_result_json_names_match_the_server() -> None:
    assert TaskResult.attribute_map == {
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
    assert TaskResult.swagger_types["logs"] == "list[TaskExecLog]"
    assert TaskExecLog.attribute_map == {
        "log": "log",
        "task_id": "taskId",
        "created_time": "createdTime",
    }


@pytest.mark.parametrize("status", list(TaskResultStatus))
def test_task_result_status_setter_stores_the_enum(status: TaskResultStatus) -> None:
    by_name = TaskResult(status=status.name)
    assert by_name.status is status
    by_member = TaskResult()
    by_member.status = status
    assert by_member.status is status
    assert by_name == by_member


@pytest.mark.parametrize("bad", ["completed", "SCHEDULED", "CANCELED", "", 1, ["COMPLETED"]])
def test_task_result_status_setter_rejects_other_values(bad: object) -> None:
    result = TaskResult(status="COMPLETED")
    with pytest.raises(ValueError, match="status"):
        result.status = bad
    assert result.status is TaskResultStatus.COMPLETED
    with pytest.raises(ValueError, match="status"):
        TaskResult(status=bad)


def test_task_result_status_can_be_cleared() -> None:
    result = TaskResult(status="COMPLETED")
    result.status = None
    assert result.status is None


def test_add_output_data_creates_the_dict_and_chains() -> None:
    result = TaskResult()
    assert result.output_data is None
    returned = result.add_output_data("a", 1).add_output_data("b", [2])
    assert returned is result
    assert result.output_data == {"a": 1, "b": [2]}


def test_add_output_data_keeps_existing_output() -> None:
    output = {"kept": True}
    result = TaskResult(output_data=output)
    result.add_output_data("new", 1)
    assert result.output_data is output
    assert output == {"kept": True, "new": 1}


def test_log_appends_entries_stamped_in_milliseconds() -> None:
    result = TaskResult(task_id="t-1")
    before_ms = time.time() * 1000
    returned = result.log("first").log("second")
    after_ms = time.time() * 1000
    assert returned is result
    assert result.logs is not None
    assert [entry.log for entry in result.logs] == ["first", "second"]
    for entry in result.logs:
        assert isinstance(entry, TaskExecLog)
        assert entry.task_id == "t-1"
        assert isinstance(entry.created_time, int)
        assert before_ms - 1 <= entry.created_time <= after_ms + 1


def test_status_factories() -> None:
    assert TaskResult.complete() == TaskResult(status=TaskResultStatus.COMPLETED)
    assert TaskResult.in_progress() == TaskResult(status=TaskResultStatus.IN_PROGRESS)
    assert TaskResult.new_task_result("FAILED_WITH_TERMINAL_ERROR").status is (
        TaskResultStatus.FAILED_WITH_TERMINAL_ERROR
    )
    assert TaskResult.new_task_result(TaskResultStatus.FAILED) == TaskResult(status="FAILED")


def test_failed_works_with_and_without_a_reason() -> None:
    no_reason = TaskResult.failed()
    assert no_reason.status is TaskResultStatus.FAILED
    assert no_reason.reason_for_incompletion is None
    with_reason = TaskResult.failed("disk full")
    assert with_reason.status is TaskResultStatus.FAILED
    assert with_reason.reason_for_incompletion == "disk full"
    assert TaskResult.failed(failure_reason="x").reason_for_incompletion == "x"


def test_task_result_to_dict_recurses_into_logs() -> None:
    result = TaskResult(task_id="t", status="COMPLETED", logs=[TaskExecLog("hi", "t", 5)])
    as_dict = result.to_dict()
    assert as_dict["logs"] == [{"log": "hi", "task_id": "t", "created_time": 5}]
    assert as_dict["status"] is TaskResultStatus.COMPLETED
    assert as_dict["extend_lease"] is False
