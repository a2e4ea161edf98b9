"""Requests shaped exactly as released conductor-python clients send them (1.1.x and 2.0.x).

Each test replays one call with plain ``requests``: the same method, path, query string,
headers and body bytes as the released client, and checks the answer it expects.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import pytest
from server_helpers import Api, simple_task, simple_workflow

from conductor.client.testing import InMemoryConductorServer

# What the 2.0.x client (httpx) sends with a JSON body; 1.1.x (requests) differs only in the
# User-Agent and in sending no body on DELETE.
SDK_HEADERS = {
    "Accept": "application/json",
    "Content-Type": "application/json",
    "Accept-Encoding": "gzip",
    "User-Agent": "python-httpx/0.28.1",
}


def _sdk_json(value: Any) -> bytes:
    """The body as the SDK writes it (``json.dumps`` with default separators)."""
    return json.dumps(value).encode("utf-8")


def _two_task_workflow(api: Api, task_type: str) -> str:
    name = f"wf_{task_type}"
    api.register_workflow(
        simple_workflow(
            name,
            simple_task(task_type, "first", inputParameters={"v": "${workflow.input.v}"}),
            simple_task(task_type, "second", inputParameters={"v": "${first.output.v}"}),
            outputParameters={"result": "${second.output.v}"},
        )
    )
    return name


def _execute(api: Api, name: str, body: dict[str, Any], **query: Any) -> dict[str, Any]:
    """``WorkflowExecutor.execute``: POST /workflow/execute/{name}/{version}."""
    params = {"requestId": "req-1", "waitUntilTaskRef": "None", "waitForSeconds": 10, **query}
    response = api.post(
        f"/workflow/execute/{name}/1", params=params, data=_sdk_json(body), headers=SDK_HEADERS
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    run: dict[str, Any] = response.json()
    return run


def _complete_next(api: Api, task_type: str, output: dict[str, Any]) -> dict[str, Any]:
    """Long-poll (5 s at most) the next task of ``task_type`` and complete it."""
    [task] = api.batch_poll(task_type, workerid="w", timeout=5000)
    assert api.update(task, "COMPLETED", outputData=output).status_code == 200
    return task


# -- POST /workflow/execute/{name}/{version} (WorkflowExecutor.execute, ConductorWorkflow.execute)


def test_execute_waits_for_completion_and_returns_a_workflow_run(api: Api, task_type: str):
    name = _two_task_workflow(api, task_type)
    body = {"name": name, "version": 1, "input": {"v": 7}, "idempotencyStrategy": "FAIL"}
    runs: list[dict[str, Any]] = []

    def call() -> None:
        client = Api(api.url)
        try:
            runs.append(_execute(client, name, body))
        finally:
            client.close()

    caller = threading.Thread(target=call)
    caller.start()
    try:
        first = _complete_next(api, task_type, {"v": 8})
        _complete_next(api, task_type, {"v": 9})
    finally:
        caller.join(15)

    [run] = runs
    assert run["status"] == "COMPLETED"
    assert run["workflowId"] == first["workflowInstanceId"]
    assert run["requestId"] == "req-1"
    assert run["output"] == {"result": 9}
    assert run["input"] == {"v": 7}
    assert [task["referenceTaskName"] for task in run["tasks"]] == ["first", "second"]
    assert isinstance(run["createTime"], int)
    assert "workflowDefinition" not in run


def test_execute_answers_once_the_awaited_task_is_scheduled(api: Api, task_type: str):
    name = _two_task_workflow(api, task_type)

    run = _execute(api, name, {"name": name, "input": {"v": 1}}, waitUntilTaskRef="FIRST")

    assert run["status"] == "RUNNING"
    assert [task["referenceTaskName"] for task in run["tasks"]] == ["first"]


def test_execute_returns_the_running_workflow_when_time_is_up(api: Api, task_type: str):
    name = _two_task_workflow(api, task_type)

    run = _execute(api, name, {"name": name, "input": {}}, waitForSeconds=0)

    assert run["status"] == "RUNNING"
    assert api.workflow(run["workflowId"])["status"] == "RUNNING"


def test_execute_runs_an_inline_definition(api: Api, task_type: str):
    # ConductorWorkflow.execute: version 1 in the path, the definition in ``workflowDef``.
    definition = simple_workflow(f"inline_{task_type}", simple_task(task_type, "only"))
    body = {"workflowDef": definition, "input": {}, "name": definition["name"], "version": 1}

    run = _execute(api, definition["name"], body, waitForSeconds=0, waitUntilTaskRef="")

    assert run["status"] == "RUNNING"
    assert run["tasks"][0]["taskType"] == task_type


def test_execute_unknown_workflow_is_404(api: Api):
    response = api.post(
        "/workflow/execute/no_such_workflow/1",
        params={"requestId": "r"},
        data=_sdk_json({"name": "no_such_workflow", "input": {}}),
        headers=SDK_HEADERS,
    )

    assert response.status_code == 404
    assert (
        response.json()["message"] == "No such workflow defined. name=no_such_workflow, version=1"
    )


# -- POST /workflow/{name}/correlated (WorkflowExecutor.get_by_correlation_ids) ------------------


def test_correlated_batch_maps_each_correlation_id_to_its_workflows(api: Api, task_type: str):
    name = _two_task_workflow(api, task_type)
    running = api.start(name, correlationId="c1")
    finished = api.start(name, correlationId="c1")
    assert api.delete(f"/workflow/{finished}", params={"reason": "done"}).status_code == 200

    def batch(**query: str) -> dict[str, list[dict[str, Any]]]:
        response = api.post(
            f"/workflow/{name}/correlated",
            params=query,
            data=_sdk_json(["c1", "c2"]),
            headers=SDK_HEADERS,
        )
        assert response.status_code == 200, response.text
        result: dict[str, list[dict[str, Any]]] = response.json()
        return result

    open_only = batch(includeClosed="false", includeTasks="false")
    everything = batch(includeClosed="true", includeTasks="true")

    assert {key: [w["workflowId"] for w in found] for key, found in open_only.items()} == {
        "c1": [running],
        "c2": [],
    }
    assert open_only["c1"][0]["tasks"] == []
    assert sorted(w["workflowId"] for w in everything["c1"]) == sorted([running, finished])
    assert all(w["tasks"] for w in everything["c1"])


def test_correlated_batch_needs_a_list_body(api: Api, task_type: str):
    response = api.post(
        f"/workflow/{task_type}/correlated", data=_sdk_json({"c": 1}), headers=SDK_HEADERS
    )

    assert response.status_code == 500


# -- PUT /workflow/{id}/skiptask/{ref} (WorkflowExecutor.skip_task_from_workflow) ----------------


def test_skip_task_records_a_skipped_task_and_the_workflow_goes_past_it(api: Api, task_type: str):
    workflow_id = api.start(_two_task_workflow(api, task_type), {"v": 1})
    skip = {"taskInput": {"i": 1}, "taskOutput": {"v": 42}}

    response = api.put(
        f"/workflow/{workflow_id}/skiptask/second", data=_sdk_json(skip), headers=SDK_HEADERS
    )
    assert response.status_code == 200, response.text
    assert response.content == b""
    _complete_next(api, task_type, {"v": 2})

    workflow = api.workflow(workflow_id)
    assert workflow["status"] == "COMPLETED"
    assert workflow["output"] == {"result": 42}
    skipped = next(t for t in workflow["tasks"] if t["referenceTaskName"] == "second")
    assert skipped["status"] == "SKIPPED"
    assert skipped["inputData"] == {"i": 1}
    assert api.poll(task_type) is None


def test_skip_task_refusals(api: Api, task_type: str):
    workflow_id = api.start(_two_task_workflow(api, task_type), {"v": 1})

    def skip(ref: str) -> Any:
        return api.put(f"/workflow/{workflow_id}/skiptask/{ref}", data=b"{}", headers=SDK_HEADERS)

    already = skip("first")
    unknown = skip("nope")
    api.delete(f"/workflow/{workflow_id}")
    ended = skip("second")

    assert already.status_code == 500
    assert "has already been processed" in already.json()["message"]
    assert unknown.status_code == 500
    assert "does not exist in the WorkflowDefinition" in unknown.json()["message"]
    assert ended.status_code == 500
    assert "is not running" in ended.json()["message"]


# -- POST /workflow/{id}/rerun (WorkflowExecutor.rerun) ------------------------------------------


def test_rerun_from_the_start_with_new_input(api: Api, task_type: str):
    workflow_id = api.start(_two_task_workflow(api, task_type), {"v": 1})
    _complete_next(api, task_type, {"v": 2})
    _complete_next(api, task_type, {"v": 3})
    body = {"reRunFromWorkflowId": workflow_id, "workflowInput": {"v": 10}}

    response = api.post(f"/workflow/{workflow_id}/rerun", data=_sdk_json(body), headers=SDK_HEADERS)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == workflow_id
    workflow = api.workflow(workflow_id)
    assert workflow["status"] == "RUNNING"
    assert workflow["input"] == {"v": 10}
    [task] = workflow["tasks"]
    assert (task["referenceTaskName"], task["status"]) == ("first", "SCHEDULED")
    assert task["inputData"] == {"v": 10}


def test_rerun_from_a_task_keeps_earlier_tasks_and_reuses_the_task_id(api: Api, task_type: str):
    workflow_id = api.start(_two_task_workflow(api, task_type), {"v": 1})
    first = _complete_next(api, task_type, {"v": 2})
    second = _complete_next(api, task_type, {"v": 3})
    body = {"reRunFromTaskId": first["taskId"], "taskInput": {"v": 5}}

    response = api.post(f"/workflow/{workflow_id}/rerun", data=_sdk_json(body), headers=SDK_HEADERS)
    assert response.status_code == 200, response.text
    rerun = _complete_next(api, task_type, {"v": 6})
    _complete_next(api, task_type, {"v": 7})

    assert rerun["taskId"] == first["taskId"]
    assert rerun["inputData"] == {"v": 5}
    workflow = api.workflow(workflow_id)
    assert workflow["status"] == "COMPLETED"
    assert workflow["output"] == {"result": 7}
    assert second["taskId"] not in [task["taskId"] for task in workflow["tasks"]]
    assert api.get(f"/tasks/{second['taskId']}").status_code == 404


def test_rerun_refusals(api: Api, task_type: str):
    workflow_id = api.start(_two_task_workflow(api, task_type), {"v": 1})

    def rerun(body: dict[str, Any]) -> Any:
        return api.post(f"/workflow/{workflow_id}/rerun", data=_sdk_json(body), headers=SDK_HEADERS)

    running = rerun({})
    api.delete(f"/workflow/{workflow_id}")
    unknown_task = rerun({"reRunFromTaskId": "nope"})
    unknown_workflow = api.post(f"/workflow/{uuid.uuid4()}/rerun", data=b"{}", headers=SDK_HEADERS)

    assert running.status_code == 409
    assert "is not in terminal state, unable to rerun" in running.json()["message"]
    assert unknown_task.status_code == 400
    assert unknown_task.json()["message"] == "Task nope not found"
    assert unknown_workflow.status_code == 404


# -- logs sent with a TaskResult -----------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["/tasks", "/tasks/update-v2"])
def test_result_logs_without_created_time_are_stored_in_the_server_shape(
    api: Api, server: InMemoryConductorServer, task_type: str, endpoint: str
):
    # 2.0.x ``TaskResult.log("...")`` sends only ``log``; the server writes taskId and a 0 time.
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type, workerid="w")
    assert task is not None
    body = {
        "workflowInstanceId": task["workflowInstanceId"],
        "taskId": task_id,
        "workerId": "w",
        "status": "COMPLETED",
        "outputData": {},
        "logs": [{"log": "fn ran"}, {"log": "second", "createdTime": 1700000000, "extra": 1}],
        "extendLease": False,
    }

    response = api.post(endpoint, data=_sdk_json(body), headers=SDK_HEADERS)

    assert response.status_code in (200, 204), response.text
    logs = api.get(f"/tasks/{task_id}/log").json()
    assert logs == [
        {"log": "fn ran", "taskId": task_id, "createdTime": 0},
        {"log": "second", "taskId": task_id, "createdTime": 1700000000},
    ]
