"""Search endpoints, as the SDKs' ``search`` calls send them (``start``, ``size``, ``sort``,
``freeText``, ``query``)."""

from __future__ import annotations

import json
import re
from typing import Any

from server_helpers import Api, simple_task, simple_workflow

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def _workflows(api: Api, task_type: str, count: int) -> tuple[str, list[str]]:
    name = f"wf_{task_type}"
    api.register_workflow(simple_workflow(name, simple_task(task_type, "only")))
    return name, [api.start(name, {"n": n}, correlationId=f"c{n}") for n in range(count)]


def _search(api: Api, path: str, **params: Any) -> dict[str, Any]:
    query = {"start": 0, "size": 100, "freeText": "*", **params}
    response = api.get(path, params=query)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_workflow_search_filters_sorts_and_pages(api: Api, task_type: str):
    name, ids = _workflows(api, task_type, 3)
    assert api.delete(f"/workflow/{ids[1]}", params={"reason": "r"}).status_code == 200

    running = _search(
        api, "/workflow/search", query=f"workflowType = '{name}' AND status = RUNNING"
    )
    both = _search(
        api,
        "/workflow/search",
        query=f'workflowType="{name}" AND status IN (RUNNING, TERMINATED)',
        sort="correlationId:DESC",
        start=1,
        size=1,
    )

    assert running["totalHits"] == 2
    assert [summary["workflowId"] for summary in running["results"]] == [ids[0], ids[2]]
    assert both["totalHits"] == 3
    assert [summary["workflowId"] for summary in both["results"]] == [ids[1]]


def test_workflow_summary_shape(api: Api, task_type: str):
    name, [workflow_id] = _workflows(api, task_type, 1)
    api.delete(f"/workflow/{workflow_id}", params={"reason": "stop"})

    [summary] = _search(api, "/workflow/search", query=f"workflowId = {workflow_id}")["results"]

    assert summary["workflowType"] == name
    assert summary["version"] == 1
    assert summary["status"] == "TERMINATED"
    assert summary["correlationId"] == "c0"
    assert summary["reasonForIncompletion"] == "stop"
    for field in ("startTime", "updateTime", "endTime"):
        assert ISO_UTC.match(summary[field]), summary[field]
    assert isinstance(summary["input"], str)
    assert json.loads(summary["input"]) == {"n": 0}
    assert isinstance(summary["executionTime"], int)
    assert summary["failedReferenceTaskNames"] == ""


def test_workflow_search_v2_returns_workflows(api: Api, task_type: str):
    name, ids = _workflows(api, task_type, 2)

    found = _search(api, "/workflow/search-v2", query=f"workflowType = {name}")

    assert [workflow["workflowId"] for workflow in found["results"]] == ids
    assert all(workflow["input"] == {"n": n} for n, workflow in enumerate(found["results"]))


def test_free_text_keeps_matching_documents(api: Api, task_type: str):
    name, ids = _workflows(api, task_type, 2)

    found = _search(api, "/workflow/search", query=f"workflowType = {name}", freeText=ids[1])

    assert [summary["workflowId"] for summary in found["results"]] == [ids[1]]


def test_task_search_and_search_v2(api: Api, task_type: str):
    _, ids = _workflows(api, task_type, 2)
    task = api.poll(task_type, workerid="w")
    assert task is not None

    summaries = _search(
        api, "/tasks/search", query=f"taskType = {task_type} AND status = IN_PROGRESS"
    )
    tasks = _search(api, "/tasks/search-v2", query=f"taskType = {task_type}")

    [summary] = summaries["results"]
    assert summary["taskId"] == task["taskId"]
    assert summary["workflowId"] == ids[0]
    assert ISO_UTC.match(summary["scheduledTime"])
    assert json.loads(summary["input"]) == {}
    assert tasks["totalHits"] == 2
    assert {found["workflowInstanceId"] for found in tasks["results"]} == set(ids)


def test_unreadable_query_is_400(api: Api):
    response = api.get("/workflow/search", params={"query": "status ((("})

    assert response.status_code == 400
    assert "Cannot parse the search query" in response.json()["message"]
