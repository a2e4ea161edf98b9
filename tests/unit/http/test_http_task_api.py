"""TaskResourceApi: every endpoint's exact request, and how its answer is returned."""

from __future__ import annotations

import copy
import json
import socket
from typing import Any

import pytest
import responses
from http_samples import TASK_JSON
from http_support import HOST, expect

from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import (
    ExternalStorageLocation,
    PollData,
    SearchResultTask,
    SearchResultTaskSummary,
    Task,
    TaskExecLog,
    TaskResult,
    TaskResultStatus,
    Workflow,
)

JSON = "application/json"
TEXT = "text/plain"

RESULT = TaskResult(
    workflow_instance_id="wf-1",
    task_id="task-1",
    worker_id="host-1",
    status=TaskResultStatus.COMPLETED,
    output_data={"size": 3, "ok": True},
)
RESULT_JSON = {
    "workflowInstanceId": "wf-1",
    "taskId": "task-1",
    "workerId": "host-1",
    "status": "COMPLETED",
    "outputData": {"size": 3, "ok": True},
    "extendLease": False,
}


@pytest.fixture
def api(api_client: ApiClient) -> TaskResourceApi:
    return TaskResourceApi(api_client)


PLAIN = "text/plain;charset=UTF-8"


def _sent(rsps: responses.RequestsMock) -> Any:
    request = rsps.calls[-1].request
    assert "X-Authorization" not in request.headers  # no credentials configured
    return request


# -- polling ------------------------------------------------------------------------------


def test_poll_sends_worker_and_domain_and_returns_the_task(rsps, api) -> None:
    expect(
        rsps, "GET", "/tasks/poll/resize", query={"workerid": "w1", "domain": "d1"}, json=TASK_JSON
    )

    task = api.poll("resize", workerid="w1", domain="d1")

    assert isinstance(task, Task)
    assert (task.task_id, task.input_data) == ("task-3b1c", TASK_JSON["inputData"])
    assert _sent(rsps).method == "GET"


def test_poll_leaves_out_unset_optional_parameters(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/poll/resize", query={"workerid": "w1"}, json=TASK_JSON)

    api.poll("resize", workerid="w1", domain=None)

    assert rsps.calls[0].request.url == HOST + "/tasks/poll/resize?workerid=w1"


def test_poll_returns_none_on_204(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/poll/resize", status=204)

    assert api.poll("resize") is None


def test_batch_poll_sends_count_and_timeout_in_ms(rsps, api) -> None:
    query = {"workerid": "w1", "domain": "d1", "count": "5", "timeout": "1000"}
    expect(rsps, "GET", "/tasks/poll/batch/resize", query=query, json=[TASK_JSON, TASK_JSON])

    tasks = api.batch_poll("resize", workerid="w1", domain="d1", count=5, timeout=1000)

    assert [type(task) for task in tasks] == [Task, Task]
    assert tasks[0].workflow_task.task_definition.name == "image_resize"


@pytest.mark.parametrize("reply", [{"json": []}, {"status": 204}], ids=["empty-array", "204"])
def test_batch_poll_returns_an_empty_list_when_nothing_came(rsps, api, reply) -> None:
    expect(rsps, "GET", "/tasks/poll/batch/resize", query={"count": "1"}, **reply)

    assert api.batch_poll("resize", count=1) == []


def test_batch_poll_with_http_info_returns_data_status_and_headers(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/poll/batch/resize", status=204)

    data, status, headers = api.batch_poll_with_http_info("resize")

    assert (data, status) == ([], 204)
    assert "Content-Type" in headers


def test_request_timeout_overrides_the_configured_one(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/poll/batch/resize", json=[])

    api.batch_poll("resize", _request_timeout=(2, 6.5))

    assert rsps.calls[0].request.req_kwargs["timeout"] == (2.0, 6.5)


# -- updates ------------------------------------------------------------------------------


def test_update_task_posts_the_result_and_returns_the_plain_text_id(rsps, api) -> None:
    expect(
        rsps,
        "POST",
        "/tasks",
        accept=TEXT,
        sent_json=RESULT_JSON,
        body="task-1",
        content_type=PLAIN,
    )

    assert api.update_task(RESULT) == "task-1"
    assert _sent(rsps).method == "POST"


def test_update_task_v2_returns_the_next_task(rsps, api) -> None:
    expect(rsps, "POST", "/tasks/update-v2", sent_json=RESULT_JSON, json=TASK_JSON)

    task = api.update_task_v2(body=RESULT)

    assert isinstance(task, Task)
    assert task.task_id == "task-3b1c"


def test_update_task_v2_returns_none_on_204(rsps, api) -> None:
    expect(rsps, "POST", "/tasks/update-v2", sent_json=RESULT_JSON, status=204)

    assert api.update_task_v2(RESULT) is None


def test_update_task1_defaults_the_worker_id_to_the_host_name(rsps, api) -> None:
    query = {"workerid": socket.gethostname()}
    path = "/tasks/wf-1/ref_1/COMPLETED"
    expect(
        rsps,
        "POST",
        path,
        query=query,
        accept=TEXT,
        sent_json={"a": 1},
        body="task-1",
        content_type=PLAIN,
    )

    assert api.update_task1({"a": 1}, "wf-1", "ref_1", TaskResultStatus.COMPLETED) == "task-1"


def test_update_task1_answers_none_when_no_pending_task_matched(rsps, api) -> None:
    path = "/tasks/wf-1/ref_1/FAILED"
    expect(rsps, "POST", path, query={"workerid": "w9"}, accept=TEXT, sent_json={}, body="")

    assert api.update_task1({}, "wf-1", "ref_1", "FAILED", workerid="w9") is None


def test_update_task_sync_returns_the_workflow(rsps, api) -> None:
    query = {"workerid": socket.gethostname()}
    workflow = {"workflowId": "wf-1", "status": "RUNNING", "tasks": [TASK_JSON]}
    expect(
        rsps, "POST", "/tasks/wf-1/ref_1/COMPLETED/sync", query=query, sent_json={}, json=workflow
    )

    result = api.update_task_sync({}, "wf-1", "ref_1", "COMPLETED")

    assert isinstance(result, Workflow)
    assert result.workflow_id == "wf-1"
    assert result.tasks[0].task_id == "task-3b1c"


# -- tasks and logs -----------------------------------------------------------------------


def test_get_task(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/task-3b1c", json=TASK_JSON)

    assert api.get_task("task-3b1c").reference_task_name == "resize_ref"


def test_path_parameters_are_url_quoted(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/a%2Fb%20c", json=TASK_JSON)

    api.get_task("a/b c")

    assert rsps.calls[0].request.path_url == "/api/tasks/a%2Fb%20c"


def test_log_sends_the_line_as_raw_text(rsps, api) -> None:
    line = 'step 2: "quoted"\nnext line'
    expect(rsps, "POST", "/tasks/t1/log", sent_text=line, sent_type="text/plain; charset=utf-8")

    assert api.log(line, "t1") is None


def test_get_task_logs(rsps, api) -> None:
    logs = [{"log": "hello", "taskId": "t1", "createdTime": 1700000000000}]
    expect(rsps, "GET", "/tasks/t1/log", json=logs)

    assert api.get_task_logs("t1") == [
        TaskExecLog(log="hello", task_id="t1", created_time=1700000000000)
    ]


def test_get_task_logs_is_empty_on_204(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/t1/log", status=204)

    assert api.get_task_logs("t1") == []


# -- queues -------------------------------------------------------------------------------


def test_size_repeats_the_task_type_parameter(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/queue/sizes", query={"taskType": ["a", "b"]}, json={"a": 0, "b": 3})

    assert api.size(task_type=["a", "b"]) == {"a": 0, "b": 3}
    assert rsps.calls[0].request.url.endswith("/tasks/queue/sizes?taskType=a&taskType=b")


POLL_DATA = [{"queueName": "a", "domain": None, "workerId": "w1", "lastPollTime": 1700000000000}]


def test_get_all_poll_data(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/queue/polldata/all", json=POLL_DATA)

    assert api.get_all_poll_data() == [
        PollData(queue_name="a", worker_id="w1", last_poll_time=1700000000000)
    ]


def test_get_poll_data(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/queue/polldata", query={"taskType": "a"}, json=POLL_DATA)

    assert api.get_poll_data("a")[0].queue_name == "a"


def test_requeue_pending_task_returns_the_count_as_text(rsps, api) -> None:
    expect(rsps, "POST", "/tasks/queue/requeue/a", accept=TEXT, body="3", content_type=PLAIN)

    assert api.requeue_pending_task("a") == "3"


def test_all(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/queue/all", json={"a": 2})

    assert api.all() == {"a": 2}


def test_all_verbose(rsps, api) -> None:
    verbose = {"a": {"a": {"size": 2, "uacked": 1}}}
    expect(rsps, "GET", "/tasks/queue/all/verbose", json=verbose)

    assert api.all_verbose() == verbose


# -- search and external storage ----------------------------------------------------------


def test_search1(rsps, api) -> None:
    query = {"start": "0", "size": "10", "freeText": "*", "query": "status=FAILED"}
    summary = {"taskId": "t1", "taskType": "a", "status": "FAILED"}
    expect(rsps, "GET", "/tasks/search", query=query, json={"totalHits": 1, "results": [summary]})

    found = api.search1(start=0, size=10, free_text="*", query="status=FAILED")

    assert isinstance(found, SearchResultTaskSummary)
    assert (found.total_hits, found.results[0].task_id) == (1, "t1")


def test_search_v21(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/search-v2", json={"totalHits": 1, "results": [TASK_JSON]})

    found = api.search_v21()

    assert isinstance(found, SearchResultTask)
    assert found.results[0].task_id == "task-3b1c"


def test_get_external_storage_location1(rsps, api) -> None:
    query = {"path": "p/1", "operation": "WRITE", "payloadType": "TASK_OUTPUT"}
    location = {"uri": "s3://bucket/p/1", "path": "p/1"}
    expect(rsps, "GET", "/tasks/externalstoragelocation", query=query, json=location)

    found = api.get_external_storage_location1("p/1", "WRITE", "TASK_OUTPUT")

    assert found == ExternalStorageLocation(uri="s3://bucket/p/1", path="p/1")


# -- the generated-client conventions ------------------------------------------------------


def test_unknown_keyword_is_a_type_error(api) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'wokerid' to method poll"):
        api.poll("resize", wokerid="w1")


@pytest.mark.parametrize("call", [lambda api: api.poll(None), lambda api: api.update_task(None)])
def test_missing_required_parameter_is_a_value_error(api, call) -> None:
    with pytest.raises(ValueError, match="Missing the required parameter"):
        call(api)


def test_http_info_twin_checks_arguments_too(api) -> None:
    with pytest.raises(ValueError, match="`tasktype` when calling `poll`"):
        api.poll_with_http_info()
    with pytest.raises(TypeError, match="takes 1 positional"):
        api.poll_with_http_info("a", "b")


def test_http_info_twin_honours_return_http_data_only(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/t1", json=TASK_JSON)

    task = api.get_task_with_http_info("t1", _return_http_data_only=True)

    assert isinstance(task, Task)


def test_async_req_returns_a_result_to_wait_for(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/t1", json=TASK_JSON)

    pending = api.get_task("t1", async_req=True)

    assert pending.get(timeout=10).task_id == "task-3b1c"


def test_preload_content_false_returns_the_raw_response(rsps, api) -> None:
    expect(rsps, "GET", "/tasks/t1", json=TASK_JSON)

    raw = api.get_task("t1", _preload_content=False)

    assert json.loads(raw.data) == TASK_JSON


def test_every_operation_has_a_with_http_info_twin() -> None:
    operations = [name for name in vars(TaskResourceApi) if not name.startswith("_")]
    plain = {name for name in operations if not name.endswith("_with_http_info")}

    assert {f"{name}_with_http_info" for name in plain} <= set(operations)
    assert len(plain) == 18  # the task table of the REST reference


def test_default_client_is_built_when_none_is_given() -> None:
    api = TaskResourceApi()

    assert isinstance(api.api_client, ApiClient)
    assert api.api_client.configuration.host == "http://localhost:8080/api"


def test_task_roundtrip_keeps_server_json(api_client) -> None:
    """Server JSON -> Task -> JSON keeps every modelled field."""
    task = api_client.deserialize_class(copy.deepcopy(TASK_JSON), "Task")

    again = api_client.sanitize_for_serialization(task)

    expected = {key: value for key, value in TASK_JSON.items() if key != "executionMetadata"}
    for definition in (again["taskDefinition"], again["workflowTask"]["taskDefinition"]):
        definition.pop("enforceSchema", None)  # a model default the server sample leaves out
    assert again == expected
