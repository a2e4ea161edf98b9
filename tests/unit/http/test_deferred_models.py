"""Nested models of responses, decoded the first time they are read.

Server-shaped JSON goes through ``ApiClient.deserialize``; the tests read, compare, copy,
pickle and re-encode the result with its nested fields unread and read, and check that
malformed nested JSON fails where it did before (wrong container type) or when read (deeper).
"""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import (
    SearchResultTask,
    Task,
    TaskDef,
    Workflow,
    WorkflowDef,
    WorkflowTask,
)
from conductor.client.http.models._base import Deferred
from conductor.client.http.rest import ApiException, RESTResponse

TASK_DEF_JSON: dict[str, Any] = {
    "name": "encode",
    "retryCount": 3,
    "timeoutSeconds": 60,
    "inputKeys": ["text"],
    "ownerEmail": "team@example.com",
}
WORKFLOW_TASK_JSON: dict[str, Any] = {
    "name": "encode",
    "taskReferenceName": "encode_ref",
    "type": "SIMPLE",
    "inputParameters": {"text": "${workflow.input.text}"},
    "optional": False,
    "taskDefinition": {"name": "encode", "retryCount": 3},
}
TASK_JSON: dict[str, Any] = {
    "taskId": "task-1",
    "taskType": "encode",
    "status": "IN_PROGRESS",
    "referenceTaskName": "encode_ref",
    "workflowInstanceId": "wf-1",
    "inputData": {"text": "hello", "nested": {"deep": [1, 2]}},
    "pollCount": 1,
    "workflowTask": WORKFLOW_TASK_JSON,
    "taskDefinition": TASK_DEF_JSON,
}


def constructed_task() -> Task:
    """The Task that TASK_JSON describes, built with constructors."""
    return Task(
        task_id="task-1",
        task_type="encode",
        status="IN_PROGRESS",
        reference_task_name="encode_ref",
        workflow_instance_id="wf-1",
        input_data={"text": "hello", "nested": {"deep": [1, 2]}},
        poll_count=1,
        workflow_task=WorkflowTask(
            name="encode",
            task_reference_name="encode_ref",
            type="SIMPLE",
            input_parameters={"text": "${workflow.input.text}"},
            optional=False,
            task_definition=TaskDef(name="encode", retry_count=3),
        ),
        task_definition=TaskDef(
            name="encode",
            retry_count=3,
            timeout_seconds=60,
            input_keys=["text"],
            owner_email="team@example.com",
        ),
    )


def _response(payload: Any, status: int = 200) -> RESTResponse:
    raw = requests.Response()
    raw.status_code = status
    raw.reason = "OK"
    raw._content = json.dumps(payload).encode()
    raw.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
    raw.url = "http://conductor.test/api/tasks/poll/encode"
    return RESTResponse(raw)


def deserialize(payload: Any, response_type: str = "Task") -> Any:
    return ApiClient().deserialize(_response(payload), response_type)


def encode(value: Any) -> Any:
    return ApiClient().sanitize_for_serialization(value)


def unread(model: Any, name: str) -> bool:
    """Whether field ``name`` of ``model`` still holds its JSON, not yet decoded."""
    return type(model.__dict__["_" + name]) is Deferred


# -- reading ----------------------------------------------------------------------------------


def test_nested_fields_wait_for_their_first_read() -> None:
    task = deserialize(TASK_JSON)

    assert unread(task, "workflow_task")
    assert unread(task, "task_definition")
    assert task.task_id == "task-1"
    assert task.input_data == {"text": "hello", "nested": {"deep": [1, 2]}}
    assert unread(task, "workflow_task")  # reading other fields decodes nothing


def test_nested_models_read_as_real_models_with_their_values() -> None:
    task = deserialize(TASK_JSON)

    workflow_task = task.workflow_task
    task_definition = task.task_definition

    assert type(workflow_task) is WorkflowTask
    assert (workflow_task.name, workflow_task.task_reference_name, workflow_task.type) == (
        "encode",
        "encode_ref",
        "SIMPLE",
    )
    assert workflow_task.input_parameters == {"text": "${workflow.input.text}"}
    assert workflow_task.optional is False
    assert type(workflow_task.task_definition) is TaskDef
    assert (workflow_task.task_definition.name, workflow_task.task_definition.retry_count) == (
        "encode",
        3,
    )
    assert type(task_definition) is TaskDef
    assert task_definition.timeout_seconds == 60
    assert task_definition.input_keys == ["text"]
    assert task_definition.owner_email == "team@example.com"
    assert not unread(task, "workflow_task")


def test_second_read_is_the_same_object() -> None:
    task = deserialize(TASK_JSON)

    first = task.workflow_task
    first.description = "changed by the reader"

    assert task.workflow_task is first
    assert task.workflow_task.description == "changed by the reader"
    assert task.task_definition is task.task_definition
    assert task.workflow_task.task_definition is task.workflow_task.task_definition


def test_null_and_absent_nested_fields_are_none() -> None:
    task = deserialize({"taskId": "t", "workflowTask": None})

    assert task.workflow_task is None
    assert task.task_definition is None
    assert encode(task) == {"taskId": "t"}


def test_assigning_replaces_an_unread_field() -> None:
    task = deserialize(TASK_JSON)

    task.workflow_task = WorkflowTask(name="other", task_reference_name="other_ref")

    assert task.workflow_task.name == "other"
    assert encode(task)["workflowTask"] == {"name": "other", "taskReferenceName": "other_ref"}
    assert encode(task)["taskDefinition"] == TASK_DEF_JSON


# -- the model protocol with unread fields -----------------------------------------------------


def test_to_dict_decodes_unread_fields() -> None:
    expected = constructed_task().to_dict()

    as_dict = deserialize(TASK_JSON).to_dict()

    assert as_dict == expected
    assert as_dict["workflow_task"]["task_definition"]["retry_count"] == 3
    assert as_dict["task_definition"]["input_keys"] == ["text"]


def test_repr_shows_unread_fields_decoded() -> None:
    text = repr(deserialize(TASK_JSON))

    assert text == repr(constructed_task())
    assert "'task_reference_name': 'encode_ref'" in text
    assert "Deferred" not in text


def test_equality_with_a_constructed_task() -> None:
    assert deserialize(TASK_JSON) == constructed_task()
    assert constructed_task() == deserialize(TASK_JSON)
    assert deserialize(TASK_JSON) == deserialize(TASK_JSON)  # both unread
    assert (deserialize(TASK_JSON) != constructed_task()) is False  # __ne__ too


def test_equality_sees_differences_inside_unread_fields() -> None:
    other = copy.deepcopy(TASK_JSON)
    other["workflowTask"]["taskDefinition"]["retryCount"] = 4

    assert deserialize(TASK_JSON) != deserialize(other)
    different = constructed_task()
    different.task_definition.timeout_seconds = 61
    assert deserialize(TASK_JSON) != different
    assert deserialize(TASK_JSON) != TASK_JSON  # not equal to its JSON


def test_copy_with_unread_fields() -> None:
    task = deserialize(TASK_JSON)

    shallow = copy.copy(task)

    assert shallow == constructed_task()
    assert shallow.workflow_task == task.workflow_task
    assert shallow.task_definition.retry_count == 3
    assert task == constructed_task()


def test_deepcopy_with_unread_fields() -> None:
    task = deserialize(TASK_JSON)

    deep = copy.deepcopy(task)
    deep.workflow_task.name = "renamed"

    assert task.workflow_task.name == "encode"
    assert deep.workflow_task is not task.workflow_task
    assert deep.task_definition == task.task_definition
    assert encode(copy.deepcopy(deserialize(TASK_JSON))) == TASK_JSON


@pytest.mark.parametrize("read_first", [False, True])
def test_pickle_round_trip(read_first: bool) -> None:
    task = deserialize(TASK_JSON)
    if read_first:
        assert task.workflow_task.name == "encode"

    loaded = pickle.loads(pickle.dumps(task))

    assert loaded == constructed_task()
    assert type(loaded.workflow_task.task_definition) is TaskDef
    assert loaded.task_definition.owner_email == "team@example.com"


# -- encoding ---------------------------------------------------------------------------------


def test_unread_task_encodes_to_its_json() -> None:
    task = deserialize(TASK_JSON)

    assert encode(task) == TASK_JSON
    assert unread(task, "workflow_task")  # encoding did not decode it


def test_read_task_encodes_like_a_constructed_one() -> None:
    task = deserialize(TASK_JSON)
    assert task.workflow_task.task_definition.name == "encode"
    assert task.task_definition.name == "encode"

    encoded = encode(task)

    assert encoded == encode(constructed_task())
    # Decoded models encode as models do: with their defaults (TaskDef.enforceSchema).
    assert encoded["workflowTask"]["taskDefinition"] == {
        "name": "encode",
        "retryCount": 3,
        "enforceSchema": False,
    }


def test_unread_levels_keep_their_json_when_outer_levels_were_read() -> None:
    task = deserialize(TASK_JSON)
    assert task.workflow_task.name == "encode"  # the task definition inside stays unread

    assert encode(task)["workflowTask"] == WORKFLOW_TASK_JSON


def test_encoded_json_does_not_share_state_with_the_model() -> None:
    task = deserialize(TASK_JSON)

    encoded = encode(task)
    encoded["workflowTask"]["name"] = "edited in the request body"
    encoded["taskDefinition"]["retryCount"] = 99

    assert task.workflow_task.name == "encode"
    assert task.task_definition.retry_count == 3


# -- lists and dicts of models ------------------------------------------------------------------


def test_list_of_models_field() -> None:
    workflow_json = {
        "workflowId": "wf-1",
        "status": "RUNNING",
        "tasks": [
            TASK_JSON,
            {**TASK_JSON, "taskId": "task-2", "status": "SCHEDULED"},
        ],
        "input": {"text": "hello"},
    }
    workflow = deserialize(workflow_json, "Workflow")

    assert type(workflow) is Workflow
    assert unread(workflow, "tasks")
    assert encode(workflow) == workflow_json
    tasks = workflow.tasks
    assert [type(task) for task in tasks] == [Task, Task]
    assert [(task.task_id, task.status) for task in tasks] == [
        ("task-1", "IN_PROGRESS"),
        ("task-2", "SCHEDULED"),
    ]
    assert unread(tasks[1], "workflow_task")  # each task's own nested fields wait too
    assert tasks[1].workflow_task.task_definition.retry_count == 3
    assert workflow.tasks is tasks
    assert workflow == Workflow(
        workflow_id="wf-1",
        status="RUNNING",
        tasks=[constructed_task(), _with(constructed_task(), task_id="task-2", status="SCHEDULED")],
        input={"text": "hello"},
    )


def test_search_results_list_of_tasks() -> None:
    found = deserialize({"totalHits": 1, "results": [TASK_JSON]}, "SearchResultTask")

    assert type(found) is SearchResultTask
    assert found.results == [constructed_task()]
    assert pickle.loads(pickle.dumps(found)) == found


def test_dict_and_nested_lists_of_models_fields() -> None:
    leaf = {"name": "leaf", "taskReferenceName": "leaf_ref", "type": "SIMPLE"}
    switch = {
        "name": "switch",
        "taskReferenceName": "switch_ref",
        "type": "SWITCH",
        "decisionCases": {"a": [leaf], "b": [leaf, {**leaf, "taskReferenceName": "leaf2"}]},
        "defaultCase": [leaf],
        "forkTasks": [[leaf], [leaf]],
    }
    definition_json = {"name": "flow", "version": 1, "tasks": [switch]}
    definition = deserialize(definition_json, "WorkflowDef")

    assert type(definition) is WorkflowDef
    assert encode(definition) == {**definition_json, "outputParameters": {}}  # a default
    (switch_task,) = definition.tasks
    assert unread(switch_task, "decision_cases")
    cases = switch_task.decision_cases
    assert sorted(cases) == ["a", "b"]
    assert all(type(task) is WorkflowTask for tasks in cases.values() for task in tasks)
    assert [task.task_reference_name for task in cases["b"]] == ["leaf_ref", "leaf2"]
    assert switch_task.default_case == [WorkflowTask(**_fields_of(leaf))]
    assert switch_task.fork_tasks == [[WorkflowTask(**_fields_of(leaf))]] * 2
    assert copy.deepcopy(definition) == definition


# -- malformed nested JSON ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "response_type", "named"),
    [
        ({**TASK_JSON, "workflowTask": "x"}, "Task", "WorkflowTask"),
        ({**TASK_JSON, "workflowTask": ["x"]}, "Task", "WorkflowTask"),
        ({**TASK_JSON, "taskDefinition": 7}, "Task", "TaskDef"),
        ({"workflowId": "wf", "tasks": {"taskId": "t"}}, "Workflow", "array"),
        ({"workflowId": "wf", "tasks": "x"}, "Workflow", "array"),
    ],
)
def test_wrong_container_type_fails_at_deserialize(
    payload: dict[str, Any], response_type: str, named: str
) -> None:
    with pytest.raises(ApiException) as caught:
        deserialize(payload, response_type)

    assert caught.value.status == 200
    reason = str(caught.value.reason)
    assert f"could not be parsed as {response_type}" in reason
    assert named in reason


def test_deeper_malformed_json_fails_when_read() -> None:
    payload = {**TASK_JSON, "workflowTask": {"name": "encode", "taskDefinition": "x"}}

    task = deserialize(payload)  # nothing is raised before the field is read

    assert task.task_id == "task-1"
    assert encode(task) == payload
    assert task.task_definition.retry_count == 3
    with pytest.raises(TypeError, match=r"JSON object for TaskDef, got str: 'x'"):
        task.workflow_task  # noqa: B018


def test_malformed_task_in_a_list_fails_when_the_list_is_read() -> None:
    payload = {"workflowId": "wf", "tasks": [TASK_JSON, {"taskId": "t", "workflowTask": 5}]}

    workflow = deserialize(payload, "Workflow")

    assert workflow.workflow_id == "wf"
    with pytest.raises(TypeError, match=r"JSON object for WorkflowTask, got int: 5"):
        workflow.tasks  # noqa: B018


# -- helpers ----------------------------------------------------------------------------------


def _with(task: Task, **changes: Any) -> Task:
    for name, value in changes.items():
        setattr(task, name, value)
    return task


def _fields_of(workflow_task_json: dict[str, Any]) -> dict[str, Any]:
    """Constructor arguments of a WorkflowTask from its JSON (the keys used here)."""
    names = {"name": "name", "taskReferenceName": "task_reference_name", "type": "type"}
    return {names[key]: value for key, value in workflow_task_json.items()}
