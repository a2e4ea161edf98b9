"""Workflow execution (reference §4, §6): sequencing, expressions, domains, operator actions."""

from __future__ import annotations

from typing import Any

import pytest
from server_helpers import Api, simple_task, simple_workflow

from conductor.client.testing import InMemoryConductorServer


def _complete(api: Api, task_type: str, output: dict[str, Any], **params: Any) -> dict[str, Any]:
    task = api.poll(task_type, **params)
    assert task is not None, f"no {task_type} task to complete"
    assert api.update(task, "COMPLETED", outputData=output).status_code == 200
    return task


def _two_step(api: Api, task_type: str, **fields: Any) -> str:
    name = f"wf_{task_type}"
    api.register_workflow(
        simple_workflow(
            name, simple_task(task_type, "first"), simple_task(task_type, "second"), **fields
        )
    )
    return name


def test_start_returns_text_id_and_schedules_first_task(api: Api, task_type: str):
    name = _two_step(api, task_type)

    response = api.post("/workflow", json={"name": name, "input": {"a": 1}, "correlationId": "c-1"})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    workflow = api.workflow(response.text)
    assert workflow["workflowId"] == response.text
    assert workflow["status"] == "RUNNING"
    assert workflow["workflowName"] == name
    assert workflow["workflowVersion"] == 1
    assert workflow["input"] == {"a": 1}
    assert workflow["correlationId"] == "c-1"
    [task] = workflow["tasks"]
    assert task["referenceTaskName"] == "first"
    assert task["status"] == "SCHEDULED"
    assert task["seq"] == 1
    assert task["workflowType"] == name
    assert task["correlationId"] == "c-1"


def test_tasks_run_in_sequence_and_workflow_completes_with_last_output(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type))

    first = _complete(api, task_type, {"step": 1})
    second = _complete(api, task_type, {"step": 2})

    assert first["referenceTaskName"] == "first"
    assert second["referenceTaskName"] == "second"
    assert second["seq"] == 2
    workflow = api.workflow(workflow_id)
    assert workflow["status"] == "COMPLETED"
    assert workflow["output"] == {"step": 2}
    assert workflow["endTime"] >= workflow["startTime"]
    assert [t["status"] for t in workflow["tasks"]] == ["COMPLETED", "COMPLETED"]


def test_input_expressions(api: Api, task_type: str):
    name = f"wf_{task_type}"
    second_input = {
        "fromInput": "${workflow.input.user.name}",
        "fromOutput": "${first.output.result.items[1]}",
        "wholeInput": "${workflow.input}",
        "wholeOutput": "${first.output}",
        "text": "Hi ${workflow.input.user.name}, you have ${first.output.result.count} items",
        "missing": "${first.output.nope.deeper}",
        "missingInText": "[${workflow.input.nothing}]",
        "escaped": "$${workflow.input.user}",
        "nested": {"list": ["${workflow.workflowId}", 7, True]},
        "taskId": "${first.taskId}",
        "plain": "no expression",
    }
    api.register_workflow(
        simple_workflow(
            name,
            simple_task(task_type, "first", inputParameters={"n": "${workflow.input.n}"}),
            simple_task(task_type, "second", inputParameters=second_input),
        )
    )
    workflow_id = api.start(name, {"user": {"name": "Ada"}, "n": 3})

    first = _complete(api, task_type, {"result": {"items": ["a", "b"], "count": 2}})
    second = api.poll(task_type)

    assert first["inputData"] == {"n": 3}
    assert second is not None
    assert second["inputData"] == {
        "fromInput": "Ada",
        "fromOutput": "b",
        "wholeInput": {"user": {"name": "Ada"}, "n": 3},
        "wholeOutput": {"result": {"items": ["a", "b"], "count": 2}},
        "text": "Hi Ada, you have 2 items",
        "missing": None,
        "missingInText": "[]",
        "escaped": "${workflow.input.user}",
        "nested": {"list": [workflow_id, 7, True]},
        "taskId": first["taskId"],
        "plain": "no expression",
    }


def test_output_parameters_are_evaluated_on_completion(api: Api, task_type: str):
    name = _two_step(
        api,
        task_type,
        outputParameters={
            "a": "${first.output.v}",
            "b": "${second.output.v}",
            "both": "${first.output.v}-${second.output.v}",
            "in": "${workflow.input.x}",
        },
    )
    workflow_id = api.start(name, {"x": "X"})

    _complete(api, task_type, {"v": 1})
    _complete(api, task_type, {"v": 2})

    assert api.workflow(workflow_id)["output"] == {"a": 1, "b": 2, "both": "1-2", "in": "X"}


def test_start_errors(api: Api, task_type: str):
    name = _two_step(api, task_type)

    unknown = api.post("/workflow", json={"name": "no_such_workflow"})
    no_name = api.post("/workflow", json={"input": {}})
    bad_priority = api.post("/workflow", json={"name": name, "priority": 100})
    null_input = api.post("/workflow", json={"name": name, "input": None})
    wrong_version = api.post("/workflow", json={"name": name, "version": 9})

    assert unknown.status_code == 404
    assert unknown.json()["message"] == (
        "No such workflow defined. name=no_such_workflow, version=null"
    )
    assert no_name.status_code == 400
    assert no_name.json()["validationErrors"][0]["path"].endswith(".name")
    assert bad_priority.status_code == 400
    assert null_input.status_code == 400
    assert wrong_version.status_code == 404


def test_start_with_inline_definition(api: Api, server: InMemoryConductorServer, task_type: str):
    inline = simple_workflow("inline_wf", simple_task(task_type, "only"))

    response = api.post("/workflow", json={"name": "inline_wf", "workflowDef": inline})
    rejected = api.post(
        "/workflow",
        json={
            "name": "inline_wf",
            "workflowDef": simple_workflow(
                "inline_wf", {"name": "x", "taskReferenceName": "x", "type": "SWITCH"}
            ),
        },
    )

    assert response.status_code == 200
    assert api.poll(task_type) is not None
    assert rejected.status_code == 400
    assert "SIMPLE" in rejected.text


def test_start_by_name_with_body_as_input(api: Api, task_type: str):
    name = f"wf_{task_type}"
    api.register_workflow(
        simple_workflow(
            name, simple_task(task_type, "t", inputParameters={"v": "${workflow.input.v}"})
        )
    )

    response = api.post(f"/workflow/{name}", params={"correlationId": "cid"}, json={"v": 5})
    missing = api.post(f"/workflow/{name}", params={"version": 3}, json={})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    workflow = api.workflow(response.text)
    assert workflow["input"] == {"v": 5}
    assert workflow["correlationId"] == "cid"
    assert workflow["tasks"][0]["inputData"] == {"v": 5}
    assert missing.status_code == 404
    assert missing.json()["message"] == f"No such workflow found by name: {name}, version: 3"


def test_get_workflow_include_tasks_and_status(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type), {"i": 1}, correlationId="corr")

    without = api.get(f"/workflow/{workflow_id}", params={"includeTasks": "false"}).json()
    status = api.get(f"/workflow/{workflow_id}/status").json()
    with_output = api.get(
        f"/workflow/{workflow_id}/status", params={"includeOutput": "true"}
    ).json()
    missing = api.get("/workflow/nope")

    assert without["tasks"] == []
    assert status == {"workflowId": workflow_id, "correlationId": "corr", "status": "RUNNING"}
    assert with_output["output"] == {}
    assert missing.status_code == 404
    assert missing.json()["message"] == "No such workflow found by id: nope"


def test_terminate_cancels_pending_tasks_and_ignores_late_updates(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    workflow_id = api.start(_two_step(api, task_type))
    task = api.poll(task_type)
    assert task is not None

    response = api.delete(f"/workflow/{workflow_id}", params={"reason": "stop it"})

    assert response.status_code == 200
    workflow = api.workflow(workflow_id)
    assert workflow["status"] == "TERMINATED"
    assert workflow["reasonForIncompletion"] == "stop it"
    assert workflow["tasks"][0]["status"] == "CANCELED"
    late = api.update(task, "COMPLETED", outputData={"late": 1})
    assert late.status_code == 200
    assert server.get_task(task["taskId"])["status"] == "CANCELED"
    assert api.workflow(workflow_id)["status"] == "TERMINATED"
    again = api.delete(f"/workflow/{workflow_id}")
    assert again.status_code == 200  # no-op


def test_terminate_removes_scheduled_task_from_queue(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    workflow_id = api.start(_two_step(api, task_type))

    api.delete(f"/workflow/{workflow_id}")

    assert server.queue_size(task_type) == 0
    assert api.poll(task_type) is None


def test_terminate_completed_workflow_is_409(api: Api, task_type: str):
    name = f"wf_{task_type}"
    api.register_workflow(simple_workflow(name, simple_task(task_type, "t")))
    workflow_id = api.start(name)
    _complete(api, task_type, {})

    response = api.delete(f"/workflow/{workflow_id}")

    assert response.status_code == 409


def test_remove_deletes_workflow_in_any_status(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    workflow_id = api.start(_two_step(api, task_type))

    removed = api.delete(f"/workflow/{workflow_id}/remove")

    assert removed.status_code == 200
    assert api.get(f"/workflow/{workflow_id}").status_code == 404
    assert server.queue_size(task_type) == 0
    assert api.delete(f"/workflow/{workflow_id}/remove").status_code == 404


def test_terminate_remove(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type))

    response = api.delete(f"/workflow/{workflow_id}/terminate-remove")

    assert response.status_code == 200
    assert api.get(f"/workflow/{workflow_id}").status_code == 404


def test_pause_holds_next_task_until_resume(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type))
    first = api.poll(task_type)
    assert first is not None

    assert api.put(f"/workflow/{workflow_id}/pause").status_code == 200
    api.update(first, "COMPLETED")

    assert api.workflow(workflow_id)["status"] == "PAUSED"
    assert api.poll(task_type) is None
    assert api.put(f"/workflow/{workflow_id}/resume").status_code == 200
    second = api.poll(task_type)
    assert second is not None
    assert second["referenceTaskName"] == "second"
    assert api.put(f"/workflow/{workflow_id}/resume").status_code == 409


def test_pause_terminal_workflow_is_409(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type))
    api.delete(f"/workflow/{workflow_id}")

    assert api.put(f"/workflow/{workflow_id}/pause").status_code == 409


def test_restart_runs_a_finished_workflow_again(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type))
    running_restart = api.post(f"/workflow/{workflow_id}/restart")
    api.delete(f"/workflow/{workflow_id}")

    response = api.post(f"/workflow/{workflow_id}/restart")

    assert running_restart.status_code == 409
    assert response.status_code == 204
    workflow = api.workflow(workflow_id)
    assert workflow["status"] == "RUNNING"
    assert [t["referenceTaskName"] for t in workflow["tasks"]] == ["first"]
    assert api.poll(task_type) is not None


def test_retry_reschedules_the_failed_task(api: Api, task_type: str):
    api.register_task_def(task_type, retryCount=0)
    workflow_id = api.start(_two_step(api, task_type))
    first = api.poll(task_type)
    assert first is not None
    running_retry = api.post(f"/workflow/{workflow_id}/retry")
    api.update(first, "FAILED", reasonForIncompletion="flaky")
    assert api.workflow(workflow_id)["status"] == "FAILED"

    response = api.post(f"/workflow/{workflow_id}/retry")

    assert running_retry.status_code == 409
    assert response.status_code == 204
    retried = api.poll(task_type)
    assert retried is not None
    assert retried["retriedTaskId"] == first["taskId"]
    assert retried["referenceTaskName"] == "first"
    api.update(retried, "COMPLETED")
    _complete(api, task_type, {"done": True})
    assert api.workflow(workflow_id)["status"] == "COMPLETED"


def test_reset_callbacks_makes_delayed_task_pollable(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type))
    task = api.poll(task_type)
    assert task is not None
    api.update(task, "IN_PROGRESS", callbackAfterSeconds=600)
    assert api.poll(task_type) is None

    response = api.post(f"/workflow/{workflow_id}/resetcallbacks")

    assert response.status_code == 204
    assert api.poll(task_type) is not None


def test_decide_endpoint(api: Api, task_type: str):
    workflow_id = api.start(_two_step(api, task_type))

    response = api.put(f"/workflow/decide/{workflow_id}")

    assert response.status_code == 200
    assert len(api.workflow(workflow_id)["tasks"]) == 1  # deciding again schedules nothing new
    assert api.put("/workflow/decide/unknown").status_code == 404


def test_running_and_correlated_queries(api: Api, task_type: str):
    name = _two_step(api, task_type)
    running = api.start(name, correlationId="same")
    stopped = api.start(name, correlationId="same")
    api.delete(f"/workflow/{stopped}")

    ids = api.get(f"/workflow/running/{name}").json()
    open_only = api.get(f"/workflow/{name}/correlated/same").json()
    with_closed = api.get(f"/workflow/{name}/correlated/same", params={"includeClosed": "true"})

    assert ids == [running]
    assert [w["workflowId"] for w in open_only] == [running]
    assert {w["workflowId"] for w in with_closed.json()} == {running, stopped}


# -- taskToDomain -------------------------------------------------------------------------------


def _start_with_domains(api: Api, task_type: str, mapping: dict[str, str]) -> dict[str, Any]:
    name = f"wf_{task_type}"
    api.register_workflow(simple_workflow(name, simple_task(task_type, "t")))
    workflow_id = api.start(name, taskToDomain=mapping)
    task: dict[str, Any] = api.workflow(workflow_id)["tasks"][0]
    return task


def test_task_to_domain_single_domain_is_always_used(api: Api, task_type: str):
    task = _start_with_domains(api, task_type, {task_type: "blue"})

    assert task["domain"] == "blue"
    assert api.poll(task_type) is None  # the default queue stays empty
    assert api.poll(task_type, domain="blue")["taskId"] == task["taskId"]  # type: ignore[index]


def test_task_to_domain_star_applies_to_every_task(api: Api, task_type: str):
    task = _start_with_domains(api, task_type, {"*": "green"})

    assert task["domain"] == "green"


def test_task_to_domain_specific_entry_overrides_star(api: Api, task_type: str):
    task = _start_with_domains(api, task_type, {"*": "green", task_type: "red"})

    assert task["domain"] == "red"


def test_task_to_domain_list_prefers_domain_with_recent_poller(api: Api, task_type: str):
    api.batch_poll(task_type, domain="second", timeout=0)  # a worker is active in "second"

    task = _start_with_domains(api, task_type, {task_type: "first,second,third"})

    assert task["domain"] == "second"


def test_task_to_domain_list_falls_back_to_last_entry(api: Api, task_type: str):
    task = _start_with_domains(api, task_type, {task_type: "first,second"})

    assert task["domain"] == "second"


def test_task_to_domain_no_domain_fallback_means_default_queue(api: Api, task_type: str):
    task = _start_with_domains(api, task_type, {task_type: "first,NO_DOMAIN"})

    assert "domain" not in task
    assert api.poll(task_type)["taskId"] == task["taskId"]  # type: ignore[index]


@pytest.mark.parametrize("domain", ["alpha", ""])
def test_poll_domain_is_used_verbatim_and_isolated(
    api: Api, server: InMemoryConductorServer, task_type: str, domain: str
):
    task_id = server.enqueue_task(task_type, domain=domain)

    assert api.poll(task_type) is None
    assert api.poll(task_type, domain="other") is None
    found = api.get(f"/tasks/poll/{task_type}", params={"domain": domain})
    assert found.json()["taskId"] == task_id
    assert server.queue_size(task_type, domain) == 0
