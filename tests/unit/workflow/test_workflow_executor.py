"""WorkflowExecutor: each call hits the right endpoint with the right query and body."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from responses import matchers

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.rerun_workflow_request import RerunWorkflowRequest
from conductor.client.http.models.skip_task_request import SkipTaskRequest
from conductor.client.http.models.start_workflow_request import StartWorkflowRequest
from conductor.client.http.models.workflow_def import WorkflowDef
from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.http.rest import ApiException
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

API = "http://conductor.test/api"


@pytest.fixture
def executor() -> WorkflowExecutor:
    return WorkflowExecutor(Configuration(server_api_url=API))


def body_of(call_index: int) -> Any:
    return json.loads(responses.calls[call_index].request.body)


def workflow_json(status: str, **extra: Any) -> dict[str, Any]:
    return {"workflowId": "wf-1", "status": status, "workflowName": "greet", **extra}


@responses.activate
def test_register_workflow_puts_a_list(executor: WorkflowExecutor) -> None:
    definition = WorkflowDef(
        name="greet",
        version=1,
        tasks=[WorkflowTask(name="a", task_reference_name="a_ref", type="SIMPLE")],
        schema_version=2,
    )
    responses.put(
        f"{API}/metadata/workflow",
        json={"bulkSuccessfulResults": ["greet"], "bulkErrorResults": {}},
        match=[matchers.query_param_matcher({"overwrite": "false"})],
    )
    executor.register_workflow(definition, overwrite=False)
    assert body_of(0) == [
        {
            "name": "greet",
            "version": 1,
            "tasks": [{"name": "a", "taskReferenceName": "a_ref", "type": "SIMPLE"}],
            "outputParameters": {},
            "schemaVersion": 2,
        }
    ]


@responses.activate
def test_register_workflow_without_overwrite_sends_no_query(executor: WorkflowExecutor) -> None:
    responses.put(f"{API}/metadata/workflow", json={}, match=[matchers.query_param_matcher({})])
    executor.register_workflow(WorkflowDef(name="greet"))
    assert len(responses.calls) == 1


@responses.activate
def test_start_workflow_and_start_workflows(executor: WorkflowExecutor) -> None:
    responses.post(f"{API}/workflow", body="wf-1")
    responses.post(f"{API}/workflow", body="wf-2")
    first = StartWorkflowRequest(name="greet", version=1, input={"name": "Ada"})
    assert executor.start_workflow(first) == "wf-1"
    assert body_of(0) == {
        "name": "greet",
        "version": 1,
        "input": {"name": "Ada"},
        "idempotencyStrategy": "FAIL",
    }
    assert executor.start_workflows(first, StartWorkflowRequest(name="other")) == ["wf-2", "wf-2"]
    assert body_of(2)["name"] == "other"


@responses.activate
def test_execute_uses_the_sync_endpoint_when_present(executor: WorkflowExecutor) -> None:
    responses.post(
        f"{API}/workflow/execute/greet/2",
        json={"workflowId": "wf-1", "requestId": "r-1", "status": "COMPLETED", "output": {"a": 1}},
        match=[
            matchers.query_param_matcher(
                {"requestId": "r-1", "waitUntilTaskRef": "step", "waitForSeconds": "7"}
            )
        ],
    )
    run = executor.execute(
        "greet",
        version=2,
        workflow_input={"x": 1},
        wait_until_task_ref="step",
        wait_for_seconds=7,
        request_id="r-1",
        correlation_id="c-1",
        domain="blue",
    )
    assert run.status == "COMPLETED"
    assert run.output == {"a": 1}
    assert body_of(0) == {
        "name": "greet",
        "version": 2,
        "input": {"x": 1},
        "correlationId": "c-1",
        "taskToDomain": {"*": "blue"},
        "idempotencyStrategy": "FAIL",
    }


@responses.activate
def test_execute_falls_back_to_start_and_poll_without_sync_endpoint(
    executor: WorkflowExecutor,
) -> None:
    responses.post(f"{API}/workflow/execute/greet/1", status=404, json={"status": 404})
    responses.post(f"{API}/workflow", body="wf-1")
    responses.get(f"{API}/workflow/wf-1", json=workflow_json("RUNNING"))
    responses.get(
        f"{API}/workflow/wf-1",
        json=workflow_json(
            "COMPLETED", output={"greeting": "hi"}, correlationId="c-1", input={"x": 1}
        ),
        match=[matchers.query_param_matcher({"includeTasks": "true"})],
    )
    run = executor.execute("greet", version=1, workflow_input={"x": 1}, correlation_id="c-1")
    assert run.workflow_id == "wf-1"
    assert run.status == "COMPLETED"
    assert run.output == {"greeting": "hi"}
    assert run.correlation_id == "c-1"
    assert run.request_id is not None
    assert body_of(1)["name"] == "greet"

    # The missing endpoint is remembered: the next run starts directly.
    responses.calls.reset()
    executor.execute("greet", version=1)
    assert [call.request.method for call in responses.calls][:1] == ["POST"]
    assert responses.calls[0].request.url == f"{API}/workflow"


@responses.activate
def test_execute_without_version_starts_and_polls(executor: WorkflowExecutor) -> None:
    responses.post(f"{API}/workflow", body="wf-1")
    responses.get(f"{API}/workflow/wf-1", json=workflow_json("FAILED", reasonForIncompletion="x"))
    run = executor.execute("greet")
    assert run.status == "FAILED"
    assert run.reason_for_incompletion == "x"
    assert "version" not in body_of(0)
    assert len(responses.calls) == 2


@responses.activate
def test_execute_stops_waiting_at_the_task_ref(executor: WorkflowExecutor) -> None:
    responses.post(f"{API}/workflow", body="wf-1")
    responses.get(
        f"{API}/workflow/wf-1",
        json=workflow_json(
            "RUNNING",
            tasks=[{"taskId": "t-1", "referenceTaskName": "approve", "status": "IN_PROGRESS"}],
        ),
    )
    run = executor.execute("greet", wait_until_task_ref="approve", wait_for_seconds=30)
    assert run.status == "RUNNING"
    assert run.tasks is not None
    assert run.tasks[0].reference_task_name == "approve"


@responses.activate
def test_execute_returns_running_when_the_wait_ends(executor: WorkflowExecutor) -> None:
    responses.post(f"{API}/workflow", body="wf-1")
    responses.get(f"{API}/workflow/wf-1", json=workflow_json("RUNNING"))
    run = executor.execute("greet", wait_for_seconds=0)
    assert run.status == "RUNNING"
    assert run.workflow_id == "wf-1"


@responses.activate
def test_execute_for_a_missing_workflow_raises_the_start_error(
    executor: WorkflowExecutor,
) -> None:
    not_found = {"status": 404, "message": "No such workflow defined. name=nope, version=1"}
    responses.post(f"{API}/workflow/execute/nope/1", status=404, json=not_found)
    responses.post(f"{API}/workflow", status=404, json=not_found)
    with pytest.raises(ApiException) as info:
        executor.execute("nope", version=1)
    assert info.value.status == 404


@responses.activate
def test_execute_sync_errors_other_than_missing_route_propagate(
    executor: WorkflowExecutor,
) -> None:
    responses.post(f"{API}/workflow/execute/greet/1", status=400, json={"status": 400})
    with pytest.raises(ApiException) as info:
        executor.execute("greet", version=1)
    assert info.value.status == 400
    assert len(responses.calls) == 1


@responses.activate
def test_execute_workflow_generates_a_request_id(executor: WorkflowExecutor) -> None:
    responses.post(f"{API}/workflow/execute/greet/1", json={"status": "COMPLETED"})
    request = StartWorkflowRequest(name="greet", version=1)
    executor.execute_workflow(request, wait_until_task_ref=None)
    assert "requestId=" in (responses.calls[0].request.url or "")


@responses.activate
def test_reads(executor: WorkflowExecutor) -> None:
    responses.get(
        f"{API}/workflow/wf-1",
        json=workflow_json("RUNNING"),
        match=[matchers.query_param_matcher({"includeTasks": "false"})],
    )
    responses.get(
        f"{API}/workflow/wf-1/status",
        json={"workflowId": "wf-1", "status": "RUNNING", "output": {}},
        match=[matchers.query_param_matcher({"includeOutput": "true"})],
    )
    responses.get(f"{API}/tasks/t-1", json={"taskId": "t-1", "status": "SCHEDULED"})
    assert executor.get_workflow("wf-1", include_tasks=False).status == "RUNNING"
    assert executor.get_workflow_status("wf-1", include_output=True).status == "RUNNING"
    assert executor.get_task("t-1").task_id == "t-1"


@responses.activate
def test_control_calls(executor: WorkflowExecutor) -> None:
    responses.put(f"{API}/workflow/wf-1/pause")
    responses.put(f"{API}/workflow/wf-1/resume")
    responses.delete(
        f"{API}/workflow/wf-1",
        match=[matchers.query_param_matcher({"reason": "done", "triggerFailureWorkflow": "true"})],
    )
    responses.post(
        f"{API}/workflow/wf-1/restart",
        status=204,
        match=[matchers.query_param_matcher({"useLatestDefinitions": "true"})],
    )
    responses.post(
        f"{API}/workflow/wf-1/retry",
        status=204,
        match=[matchers.query_param_matcher({"resumeSubworkflowTasks": "false"})],
    )
    responses.post(f"{API}/workflow/wf-1/rerun", body="wf-1")
    responses.put(f"{API}/workflow/wf-1/skiptask/step")
    responses.delete(
        f"{API}/workflow/wf-1/remove",
        match=[matchers.query_param_matcher({"archiveWorkflow": "false"})],
    )

    executor.pause("wf-1")
    executor.resume("wf-1")
    executor.terminate("wf-1", reason="done", trigger_failure_workflow=True)
    executor.restart("wf-1", use_latest_definitions=True)
    executor.retry("wf-1", resume_subworkflow_tasks=False)
    rerun = RerunWorkflowRequest(re_run_from_task_id="t-1", task_input={"a": 1})
    assert executor.rerun(rerun, "wf-1") == "wf-1"
    executor.skip_task_from_workflow("wf-1", "step", SkipTaskRequest(task_input={"s": 1}))
    executor.remove_workflow("wf-1", archive_workflow=False)

    assert len(responses.calls) == 8
    assert body_of(5) == {"reRunFromTaskId": "t-1", "taskInput": {"a": 1}}
    assert body_of(6) == {"taskInput": {"s": 1}}


@responses.activate
def test_update_task_posts_a_task_result(executor: WorkflowExecutor) -> None:
    responses.post(f"{API}/tasks", body="t-1")
    assert executor.update_task("t-1", "wf-1", {"a": 1}, "COMPLETED") == "t-1"
    assert body_of(0) == {
        "workflowInstanceId": "wf-1",
        "taskId": "t-1",
        "status": "COMPLETED",
        "outputData": {"a": 1},
        "extendLease": False,
    }


@responses.activate
def test_update_task_by_ref_name(executor: WorkflowExecutor) -> None:
    responses.post(f"{API}/tasks/wf-1/approve/COMPLETED", body="t-1")
    responses.post(f"{API}/tasks/wf-1/approve/COMPLETED/sync", json=workflow_json("COMPLETED"))
    assert executor.update_task_by_ref_name({"ok": True}, "wf-1", "approve", "COMPLETED") == "t-1"
    assert body_of(0) == {"ok": True}
    workflow = executor.update_task_by_ref_name_sync({"ok": True}, "wf-1", "approve", "COMPLETED")
    assert workflow.status == "COMPLETED"


@responses.activate
def test_search_and_correlation_ids(executor: WorkflowExecutor) -> None:
    responses.get(
        f"{API}/workflow/search",
        json={"totalHits": 0, "results": []},
        match=[matchers.query_param_matcher({"size": "5", "query": "status=RUNNING"})],
    )
    responses.post(
        f"{API}/workflow/greet/correlated",
        json={"c-1": [workflow_json("RUNNING")]},
        match=[
            matchers.json_params_matcher(["c-1"]),
            matchers.query_param_matcher({"includeClosed": "true"}),
        ],
    )
    assert executor.search(size=5, query="status=RUNNING").total_hits == 0
    found = executor.get_by_correlation_ids("greet", ["c-1"], include_closed=True)
    assert found["c-1"][0].workflow_id == "wf-1"


def test_executor_builds_no_connection() -> None:
    executor = WorkflowExecutor(Configuration(server_api_url=API))
    assert isinstance(executor.workflow_client.api_client, ApiClient)
    assert executor.metadata_client.api_client is executor.workflow_client.api_client
