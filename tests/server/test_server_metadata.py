"""Metadata endpoints (reference §4): task and workflow definitions."""

from __future__ import annotations

from typing import Any

import pytest
from server_helpers import Api, simple_task, simple_workflow

from conductor.client.testing import InMemoryConductorServer


def test_task_defs_upsert_get_list_delete(api: Api, task_type: str):
    created = api.post("/metadata/taskdefs", json=[{"name": task_type, "retryCount": 1}])
    upserted = api.post("/metadata/taskdefs", json=[{"name": task_type, "retryCount": 2}])
    one = api.get(f"/metadata/taskdefs/{task_type}")
    listed = api.get("/metadata/taskdefs")
    deleted = api.delete(f"/metadata/taskdefs/{task_type}")
    gone = api.get(f"/metadata/taskdefs/{task_type}")

    assert created.status_code == upserted.status_code == 200
    assert created.content == b""
    task_def = one.json()
    assert task_def["retryCount"] == 2
    assert task_def["retryDelaySeconds"] == 60  # defaults filled in
    assert task_def["responseTimeoutSeconds"] == 3600
    assert task_def["retryLogic"] == "FIXED"
    assert task_def["timeoutPolicy"] == "TIME_OUT_WF"
    assert task_def["createTime"] > 0
    assert "ownerEmail" not in task_def  # optional here
    assert task_type in [d["name"] for d in listed.json()]
    assert deleted.status_code == 200
    assert gone.status_code == 404
    assert gone.json()["message"] == f"No such taskType found by name: {task_type}"
    assert api.delete(f"/metadata/taskdefs/{task_type}").status_code == 404


def test_put_task_def_requires_existing_and_keeps_create_time(api: Api, task_type: str):
    missing = api.put("/metadata/taskdefs", json={"name": task_type})
    api.register_task_def(task_type, retryCount=1)
    created = api.get(f"/metadata/taskdefs/{task_type}").json()

    updated = api.put("/metadata/taskdefs", json={"name": task_type, "retryCount": 7})

    assert missing.status_code == 404
    assert missing.json()["message"] == f"No such task by name {task_type}"
    assert updated.status_code == 200
    stored = api.get(f"/metadata/taskdefs/{task_type}").json()
    assert stored["retryCount"] == 7
    assert stored["createTime"] == created["createTime"]
    assert stored["updateTime"] >= created["createTime"]


@pytest.mark.parametrize(
    ("fields", "path_suffix"),
    [
        ({"name": ""}, ".name"),
        ({"retryCount": -1}, ".retryCount"),
        ({"responseTimeoutSeconds": 0}, ".responseTimeoutSeconds"),
        ({"timeoutSeconds": 5, "responseTimeoutSeconds": 10}, ""),
        ({"timeoutSeconds": 10, "responseTimeoutSeconds": 5, "totalTimeoutSeconds": 5}, ""),
    ],
)
def test_task_def_validation_is_400(
    api: Api, task_type: str, fields: dict[str, Any], path_suffix: str
):
    response = api.post("/metadata/taskdefs", json=[{"name": task_type, **fields}])

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Validation failed, check below errors for detail."
    [error] = body["validationErrors"]
    assert error["path"] == "registerTaskDef.taskDefinitions[0]" + path_suffix
    assert api.get(f"/metadata/taskdefs/{task_type}").status_code == 404


def test_task_defs_body_shape_errors(api: Api, task_type: str):
    assert api.post("/metadata/taskdefs", json=[]).status_code == 400
    assert api.post("/metadata/taskdefs", json={"name": task_type}).status_code == 500
    bad_enum = api.post("/metadata/taskdefs", json=[{"name": task_type, "retryLogic": "RANDOM"}])
    assert bad_enum.status_code == 500


def test_workflow_def_create_conflict_overwrite_get_delete(api: Api, task_type: str):
    name = f"wf_{task_type}"
    definition = simple_workflow(name, simple_task(task_type, "t1"))

    first = api.post("/metadata/workflow", json=definition)
    again = api.post("/metadata/workflow", json=definition)
    forced = api.post("/metadata/workflow", params={"overwrite": "true"}, json=definition)
    v2 = api.post("/metadata/workflow", json={**definition, "version": 2})

    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json()["message"] == f"Workflow with {name}.1 already exists!"
    assert forced.status_code == 200
    assert v2.status_code == 200
    assert api.get(f"/metadata/workflow/{name}").json()["version"] == 2
    fetched = api.get(f"/metadata/workflow/{name}", params={"version": 1}).json()
    assert fetched["version"] == 1
    assert fetched["schemaVersion"] == 2
    assert fetched["tasks"][0]["type"] == "SIMPLE"
    all_versions = [d["version"] for d in api.get("/metadata/workflow").json() if d["name"] == name]
    assert all_versions == [1, 2]
    assert api.delete(f"/metadata/workflow/{name}/1").status_code == 200
    missing = api.get(f"/metadata/workflow/{name}", params={"version": 1})
    assert missing.status_code == 404
    assert missing.json()["message"] == f"No such workflow found by name: {name}, version: 1"
    assert api.delete(f"/metadata/workflow/{name}/1").status_code == 404


def test_put_workflow_defs_returns_bulk_response(api: Api, task_type: str):
    defs = [
        simple_workflow(f"a_{task_type}", simple_task(task_type, "t")),
        simple_workflow(f"b_{task_type}", simple_task(task_type, "t")),
    ]

    response = api.put("/metadata/workflow", json=defs)

    assert response.status_code == 200
    assert response.json() == {
        "bulkSuccessfulResults": [f"a_{task_type}", f"b_{task_type}"],
        "bulkErrorResults": {},
    }


def test_put_workflow_defs_fails_whole_request_on_invalid_entry(api: Api, task_type: str):
    defs = [
        simple_workflow(f"ok_{task_type}", simple_task(task_type, "t")),
        simple_workflow(f"bad_{task_type}"),
    ]

    response = api.put("/metadata/workflow", json=defs)

    assert response.status_code == 400
    assert api.get(f"/metadata/workflow/ok_{task_type}").status_code == 404


@pytest.mark.parametrize(
    ("definition", "fragment"),
    [
        ({"name": "", "tasks": [{"name": "a", "taskReferenceName": "a"}]}, "name cannot be"),
        ({"name": "w", "tasks": []}, "WorkflowTask list cannot be empty"),
        ({"name": "w", "tasks": [{"name": "a"}]}, "taskReferenceName"),
        (
            {"name": "w", "tasks": [{"name": "a", "taskReferenceName": "r"}] * 2},
            "should be unique",
        ),
        (
            {"name": "w", "schemaVersion": 1, "tasks": [{"name": "a", "taskReferenceName": "a"}]},
            "schemaVersion",
        ),
        (
            {"name": "w", "tasks": [{"name": "h", "taskReferenceName": "h", "type": "HTTP"}]},
            "runs only SIMPLE",
        ),
    ],
)
def test_workflow_def_validation_is_400(api: Api, definition: dict[str, Any], fragment: str):
    response = api.post("/metadata/workflow", json=definition)

    assert response.status_code == 400
    messages = " ".join(error["message"] for error in response.json()["validationErrors"])
    assert fragment in messages


def test_helper_registration_raises_value_error(server: InMemoryConductorServer):
    with pytest.raises(ValueError, match="runs only SIMPLE"):
        server.register_workflow_def(
            {"name": "w", "tasks": [{"name": "x", "taskReferenceName": "x", "type": "WAIT"}]}
        )


def test_helper_register_task_def_accepts_snake_case(server: InMemoryConductorServer):
    stored = server.register_task_def("snake_def", retry_count=0, response_timeout_seconds=5)

    assert stored["retryCount"] == 0
    assert stored["responseTimeoutSeconds"] == 5
