"""MetadataResourceApi and WorkflowResourceApi: exact requests and decoded answers."""

from __future__ import annotations

import pytest
from http_samples import TASK_DEF_JSON, TASK_JSON
from http_support import expect

from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
from conductor.client.http.api.workflow_resource_api import WorkflowResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import (
    RerunWorkflowRequest,
    SearchResultWorkflowSummary,
    SkipTaskRequest,
    StartWorkflowRequest,
    TaskDef,
    Workflow,
    WorkflowDef,
    WorkflowRun,
    WorkflowStatus,
    WorkflowTask,
)

TEXT = "text/plain"
TEXT_REPLY = {"content_type": "text/plain;charset=UTF-8"}
WORKFLOW_DEF_JSON = {
    "name": "thumbnails",
    "version": 2,
    "schemaVersion": 2,
    "tasks": [{"name": "image_resize", "taskReferenceName": "resize_ref", "type": "SIMPLE"}],
}
WORKFLOW_JSON = {"workflowId": "wf-1", "status": "RUNNING", "tasks": [TASK_JSON]}


@pytest.fixture
def metadata(api_client: ApiClient) -> MetadataResourceApi:
    return MetadataResourceApi(api_client)


@pytest.fixture
def workflows(api_client: ApiClient) -> WorkflowResourceApi:
    return WorkflowResourceApi(api_client)


# -- metadata -------------------------------------------------------------------------------


def test_register_task_def_posts_a_list(rsps, metadata) -> None:
    expect(rsps, "POST", "/metadata/taskdefs", sent_json=[{"name": "a", "retryCount": 2}])

    assert (
        metadata.register_task_def([TaskDef(name="a", retry_count=2, enforce_schema=None)]) is None
    )


def test_update_task_def_puts_one(rsps, metadata) -> None:
    expect(rsps, "PUT", "/metadata/taskdefs", sent_json={"name": "a", "ownerEmail": "o@x"})

    metadata.update_task_def(TaskDef(name="a", owner_email="o@x", enforce_schema=None))


def test_get_task_def(rsps, metadata) -> None:
    expect(rsps, "GET", "/metadata/taskdefs/image_resize", json=TASK_DEF_JSON)

    task_def = metadata.get_task_def("image_resize")

    assert isinstance(task_def, TaskDef)
    assert (task_def.name, task_def.response_timeout_seconds) == ("image_resize", 300)


def test_get_task_defs(rsps, metadata) -> None:
    expect(rsps, "GET", "/metadata/taskdefs", query={"access": "READ"}, json=[TASK_DEF_JSON])

    assert [d.name for d in metadata.get_task_defs(access="READ")] == ["image_resize"]


def test_unregister_task_def(rsps, metadata) -> None:
    expect(rsps, "DELETE", "/metadata/taskdefs/image_resize")

    assert metadata.unregister_task_def("image_resize") is None


def test_create_workflow_def_with_overwrite(rsps, metadata) -> None:
    definition = WorkflowDef(
        name="thumbnails",
        version=2,
        tasks=[WorkflowTask(name="image_resize", task_reference_name="resize_ref")],
    )
    sent = metadata.api_client.sanitize_for_serialization(definition)
    expect(rsps, "POST", "/metadata/workflow", query={"overwrite": "true"}, sent_json=sent)

    metadata.create(definition, overwrite=True)

    assert sent["tasks"][0]["taskReferenceName"] == "resize_ref"


def test_update1_puts_a_list_and_returns_the_bulk_result(rsps, metadata) -> None:
    bulk = {"bulkSuccessfulResults": ["thumbnails"], "bulkErrorResults": {}}
    sent = [{"name": "thumbnails", "tasks": [], "outputParameters": {}}]  # model defaults
    expect(rsps, "PUT", "/metadata/workflow", sent_json=sent, json=bulk)

    assert metadata.update1([WorkflowDef(name="thumbnails")]) == bulk


def test_get_workflow_def(rsps, metadata) -> None:
    expect(
        rsps, "GET", "/metadata/workflow/thumbnails", query={"version": "2"}, json=WORKFLOW_DEF_JSON
    )

    definition = metadata.get("thumbnails", version=2)

    assert isinstance(definition, WorkflowDef)
    assert definition.tasks[0].task_reference_name == "resize_ref"


def test_get_all_workflows(rsps, metadata) -> None:
    expect(rsps, "GET", "/metadata/workflow", json=[WORKFLOW_DEF_JSON])

    assert [d.version for d in metadata.get_all_workflows()] == [2]


def test_unregister_workflow_def(rsps, metadata) -> None:
    expect(rsps, "DELETE", "/metadata/workflow/thumbnails/2")

    metadata.unregister_workflow_def("thumbnails", 2)


# -- workflow -------------------------------------------------------------------------------


def test_start_workflow_returns_the_plain_text_id(rsps, workflows) -> None:
    request = StartWorkflowRequest(name="thumbnails", version=2, input={"url": "u"})
    sent = workflows.api_client.sanitize_for_serialization(request)
    expect(rsps, "POST", "/workflow", sent_json=sent, accept=TEXT, body="wf-1", **TEXT_REPLY)

    assert workflows.start_workflow(request) == "wf-1"
    assert sent["input"] == {"url": "u"}


def test_start_workflow1_by_name(rsps, workflows) -> None:
    query = {"version": "2", "correlationId": "c-1", "priority": "5"}
    expect(
        rsps, "POST", "/workflow/thumbnails", query=query, sent_json={"url": "u"},
        accept=TEXT, body="wf-2", **TEXT_REPLY,
    )  # fmt: skip

    wf_id = workflows.start_workflow1(
        {"url": "u"}, "thumbnails", version=2, correlation_id="c-1", priority=5
    )

    assert wf_id == "wf-2"


def test_execute_workflow(rsps, workflows) -> None:
    query = {"requestId": "r-1", "waitUntilTaskRef": "resize_ref", "waitForSeconds": "10"}
    run = {"workflowId": "wf-1", "requestId": "r-1", "status": "COMPLETED", "output": {"ok": True}}
    expect(
        rsps,
        "POST",
        "/workflow/execute/thumbnails/2",
        query=query,
        sent_json={"name": "thumbnails"},
        json=run,
    )

    result = workflows.execute_workflow(
        StartWorkflowRequest(name="thumbnails", idempotency_strategy=None),
        "r-1",
        "thumbnails",
        2,
        wait_until_task_ref="resize_ref",
        wait_for_seconds=10,
    )

    assert isinstance(result, WorkflowRun)
    assert (result.workflow_id, result.output) == ("wf-1", {"ok": True})


def test_get_execution_status(rsps, workflows) -> None:
    expect(rsps, "GET", "/workflow/wf-1", query={"includeTasks": "false"}, json=WORKFLOW_JSON)

    workflow = workflows.get_execution_status("wf-1", include_tasks=False)

    assert isinstance(workflow, Workflow)
    assert workflow.tasks[0].task_id == "task-3b1c"


def test_get_workflow_status(rsps, workflows) -> None:
    status = {"workflowId": "wf-1", "status": "COMPLETED", "output": {"a": 1}}
    expect(rsps, "GET", "/workflow/wf-1/status", query={"includeOutput": "true"}, json=status)

    summary = workflows.get_workflow_status("wf-1", include_output=True)

    assert isinstance(summary, WorkflowStatus)
    assert summary.output == {"a": 1}


def test_terminate_with_reason(rsps, workflows) -> None:
    query = {"reason": "stop now", "triggerFailureWorkflow": "false"}
    expect(rsps, "DELETE", "/workflow/wf-1", query=query)

    workflows.terminate("wf-1", reason="stop now", trigger_failure_workflow=False)

    assert "reason=stop+now" in rsps.calls[0].request.url


def test_delete_removes_the_workflow(rsps, workflows) -> None:
    expect(rsps, "DELETE", "/workflow/wf-1/remove", query={"archiveWorkflow": "false"})

    workflows.delete("wf-1", archive_workflow=False)


@pytest.mark.parametrize(
    ("call", "method", "path", "query"),
    [
        (lambda api: api.pause_workflow("wf-1"), "PUT", "/workflow/wf-1/pause", {}),
        (lambda api: api.resume_workflow("wf-1"), "PUT", "/workflow/wf-1/resume", {}),
        (
            lambda api: api.restart("wf-1", use_latest_definitions=True),
            "POST",
            "/workflow/wf-1/restart",
            {"useLatestDefinitions": "true"},
        ),
        (
            lambda api: api.retry("wf-1", resume_subworkflow_tasks=True),
            "POST",
            "/workflow/wf-1/retry",
            {"resumeSubworkflowTasks": "true"},
        ),
        (lambda api: api.reset_workflow("wf-1"), "POST", "/workflow/wf-1/resetcallbacks", {}),
        (lambda api: api.decide("wf-1"), "PUT", "/workflow/decide/wf-1", {}),
    ],
    ids=["pause", "resume", "restart", "retry", "resetcallbacks", "decide"],
)
def test_control_operations(rsps, workflows, call, method, path, query) -> None:
    expect(rsps, method, path, query=query, status=204)

    assert call(workflows) is None


def test_rerun_returns_the_id(rsps, workflows) -> None:
    sent = {"reRunFromTaskId": "task-3b1c", "taskInput": {"a": 1}}
    expect(
        rsps,
        "POST",
        "/workflow/wf-1/rerun",
        sent_json=sent,
        accept=TEXT,
        body="wf-1",
        **TEXT_REPLY,
    )

    request = RerunWorkflowRequest(re_run_from_task_id="task-3b1c", task_input={"a": 1})

    assert workflows.rerun(request, "wf-1") == "wf-1"


def test_skip_task_sends_the_optional_request_as_body(rsps, workflows) -> None:
    skip = {"taskOutput": {"skipped": True}}
    expect(rsps, "PUT", "/workflow/wf-1/skiptask/resize_ref", sent_json=skip)
    expect(rsps, "PUT", "/workflow/wf-1/skiptask/other_ref")

    workflows.skip_task_from_workflow(
        "wf-1", "resize_ref", SkipTaskRequest(task_output={"skipped": True})
    )
    workflows.skip_task_from_workflow("wf-1", "other_ref")

    assert rsps.calls[1].request.body is None
    assert "Content-Type" not in rsps.calls[1].request.headers


def test_search(rsps, workflows) -> None:
    query = {"start": "0", "size": "5", "query": "status IN (FAILED)"}
    found = {"totalHits": 1, "results": [{"workflowId": "wf-1", "status": "FAILED"}]}
    expect(rsps, "GET", "/workflow/search", query=query, json=found)

    result = workflows.search(start=0, size=5, query="status IN (FAILED)")

    assert isinstance(result, SearchResultWorkflowSummary)
    assert result.results[0].workflow_id == "wf-1"


def test_correlation_queries(rsps, workflows) -> None:
    expect(rsps, "GET", "/workflow/running/thumbnails", query={"version": "2"}, json=["wf-1"])
    expect(
        rsps, "POST", "/workflow/thumbnails/correlated", query={"includeTasks": "false"},
        sent_json=["c-1"], json={"c-1": [WORKFLOW_JSON]},
    )  # fmt: skip
    expect(rsps, "GET", "/workflow/thumbnails/correlated/c-1", json=[WORKFLOW_JSON])

    assert workflows.get_running_workflow("thumbnails", version=2) == ["wf-1"]
    assert (
        workflows.get_workflows(["c-1"], "thumbnails", include_tasks=False)["c-1"][0].workflow_id
        == "wf-1"
    )
    assert workflows.get_workflows2("thumbnails", "c-1")[0].status == "RUNNING"


def test_legacy_with_http_info_names(rsps, workflows) -> None:
    expect(rsps, "DELETE", "/workflow/wf-1")
    expect(rsps, "DELETE", "/workflow/wf-1/remove")

    assert workflows.terminate1_with_http_info("wf-1")[1] == 200
    assert workflows.delete1_with_http_info("wf-1")[1] == 200
    assert workflows.get_workflow_status_summary == workflows.get_workflow_status
