"""Task API endpoints (reference §3) over real HTTP."""

from __future__ import annotations

import pytest
from server_helpers import Api

from conductor.client.testing import InMemoryConductorServer

SERVER_ERROR_FIELDS = {"status", "message", "instance", "retryable"}


def test_single_poll_answers_204_with_empty_body_when_queue_is_empty(api: Api, task_type: str):
    response = api.get(f"/tasks/poll/{task_type}", params={"workerid": "w1"})

    assert response.status_code == 204
    assert response.content == b""


def test_single_poll_hands_out_the_task_in_progress(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type, {"x": 1})

    task = api.poll(task_type, workerid="worker-a")

    assert task is not None
    assert task["taskId"] == task_id
    assert task["status"] == "IN_PROGRESS"
    assert task["workerId"] == "worker-a"
    assert task["pollCount"] == 1
    assert task["inputData"] == {"x": 1}
    assert task["startTime"] > 0
    assert task["updateTime"] == task["startTime"]
    assert task["callbackAfterSeconds"] == 0
    assert task["taskType"] == task["taskDefName"] == task_type
    assert task["workflowTask"]["type"] == "SIMPLE"
    assert task["outputData"] == {}  # empty maps are written
    assert "reasonForIncompletion" not in task  # nulls are left out
    assert task["retried"] is False  # primitives always written
    assert task["responseTimeoutSeconds"] == 3600


def test_polled_task_is_not_handed_out_twice(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)

    assert api.poll(task_type) is not None
    assert api.poll(task_type) is None


def test_single_poll_without_workerid_leaves_worker_id_out(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)

    task = api.poll(task_type)

    assert task is not None
    assert "workerId" not in task


def test_batch_poll_returns_up_to_count_tasks(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    ids = [server.enqueue_task(task_type, {"i": i}) for i in range(5)]

    first = api.batch_poll(task_type, count=3, timeout=0)
    rest = api.batch_poll(task_type, count=10, timeout=0)

    assert [t["taskId"] for t in first] == ids[:3]
    assert [t["taskId"] for t in rest] == ids[3:]


def test_batch_poll_empty_answers_200_empty_list(api: Api, task_type: str):
    response = api.get(f"/tasks/poll/batch/{task_type}", params={"count": 2, "timeout": 10})

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == []


def test_batch_poll_timeout_over_5000_ms_is_400(api: Api, task_type: str):
    response = api.get(f"/tasks/poll/batch/{task_type}", params={"timeout": 5001})

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Long Poll Timeout value cannot be more than 5 seconds"
    assert set(body) == SERVER_ERROR_FIELDS
    assert body["retryable"] is False


def test_batch_poll_non_numeric_count_is_500(api: Api, task_type: str):
    response = api.get(f"/tasks/poll/batch/{task_type}", params={"count": "many"})

    assert response.status_code == 500
    assert response.json()["status"] == 500


def test_update_returns_task_id_as_text_plain(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    response = api.update(task, "COMPLETED", outputData={"r": 42}, workerId="w9")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == task["taskId"]
    stored = server.get_task(task["taskId"])
    assert stored["status"] == "COMPLETED"
    assert stored["outputData"] == {"r": 42}
    assert stored["workerId"] == "w9"
    assert stored["endTime"] >= stored["startTime"]


def test_update_with_missing_ids_is_400_with_validation_errors(api: Api):
    response = api.post("/tasks", json={"status": "COMPLETED"})

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Validation failed, check below errors for detail."
    assert "instance" not in body
    paths = {error["path"]: error["message"] for error in body["validationErrors"]}
    assert paths == {
        "updateTask.taskResult.taskId": "Task ID cannot be null or empty",
        "updateTask.taskResult.workflowInstanceId": "Workflow Id cannot be null or empty",
    }


def test_update_of_unknown_workflow_then_unknown_task_is_404(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(task_id)["workflowInstanceId"]

    no_workflow = api.post(
        "/tasks", json={"taskId": "nope", "workflowInstanceId": "wf-x", "status": "COMPLETED"}
    )
    no_task = api.post(
        "/tasks", json={"taskId": "nope", "workflowInstanceId": workflow_id, "status": "COMPLETED"}
    )

    assert no_workflow.status_code == 404
    assert no_workflow.json()["message"] == "No such workflow found by id: wf-x"
    assert no_task.status_code == 404
    assert no_task.json()["message"] == "No such task found by id: nope"


@pytest.mark.parametrize("status", ["SCHEDULED", "DONE", None])
def test_update_with_invalid_status_is_500(
    api: Api, server: InMemoryConductorServer, task_type: str, status: str | None
):
    task_id = server.enqueue_task(task_type)
    task = server.get_task(task_id)

    response = api.post(
        "/tasks",
        json={
            "taskId": task_id,
            "workflowInstanceId": task["workflowInstanceId"],
            "status": status,
        },
    )

    assert response.status_code == 500
    assert server.get_task(task_id)["status"] == "SCHEDULED"


def test_update_with_malformed_json_is_500(api: Api):
    response = api.post("/tasks", data=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 500
    assert set(response.json()) == SERVER_ERROR_FIELDS


def test_update_keeps_first_500_chars_of_reason_and_first_10_logs(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.register_task_def(task_type, retry_count=0)
    server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None
    logs = [{"log": f"line {i}", "createdTime": i} for i in range(12)]

    api.update(task, "FAILED", reasonForIncompletion="x" * 600, logs=logs)

    stored = server.get_task(task["taskId"])
    assert stored["reasonForIncompletion"] == "x" * 500
    saved = api.get(f"/tasks/{task['taskId']}/log").json()
    assert [entry["log"] for entry in saved] == [f"line {i}" for i in range(10)]
    assert all(entry["taskId"] == task["taskId"] for entry in saved)


def test_output_data_is_replaced_not_merged(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None
    api.update(task, "IN_PROGRESS", outputData={"a": 1})
    again = api.poll(task_type)
    assert again is not None

    api.update(again, "COMPLETED", outputData={"b": 2})

    assert server.get_task(task["taskId"])["outputData"] == {"b": 2}


def test_update_v2_returns_next_task_of_same_type_and_domain(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type, domain="blue")
    server.enqueue_task(task_type)  # default domain: must not be returned
    second_blue = server.enqueue_task(task_type, domain="blue")
    task = api.poll(task_type, domain="blue")
    assert task is not None

    response = api.post(
        "/tasks/update-v2",
        json={
            "taskId": task["taskId"],
            "workflowInstanceId": task["workflowInstanceId"],
            "status": "COMPLETED",
            "workerId": "w-v2",
        },
    )

    assert response.status_code == 200
    next_task = response.json()
    assert next_task["taskId"] == second_blue
    assert next_task["status"] == "IN_PROGRESS"
    assert next_task["workerId"] == "w-v2"
    assert next_task["domain"] == "blue"


def test_update_v2_answers_204_when_no_next_task(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    response = api.post(
        "/tasks/update-v2",
        json={
            "taskId": task["taskId"],
            "workflowInstanceId": task["workflowInstanceId"],
            "status": "COMPLETED",
        },
    )

    assert response.status_code == 204
    assert server.get_task(task["taskId"])["status"] == "COMPLETED"


def test_update_v2_answers_204_for_non_terminal_update_and_does_not_poll(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    waiting = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    response = api.post(
        "/tasks/update-v2",
        json={
            "taskId": task["taskId"],
            "workflowInstanceId": task["workflowInstanceId"],
            "status": "IN_PROGRESS",
            "callbackAfterSeconds": 60,
        },
    )

    assert response.status_code == 204
    assert server.get_task(waiting)["status"] == "SCHEDULED"


def test_update_v2_with_missing_ids_is_500(api: Api):
    response = api.post("/tasks/update-v2", json={"status": "COMPLETED"})

    assert response.status_code == 500


def test_update_by_ref_merges_output_and_returns_task_id(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None
    api.update(task, "IN_PROGRESS", outputData={"kept": 1, "over": "old"})
    workflow_id = task["workflowInstanceId"]

    response = api.post(
        f"/tasks/{workflow_id}/{task_type}/COMPLETED",
        params={"workerid": "by-ref"},
        json={"over": "new", "added": True},
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == task_id
    stored = server.get_task(task_id)
    assert stored["status"] == "COMPLETED"
    assert stored["outputData"] == {"kept": 1, "over": "new", "added": True}
    assert stored["workerId"] == "by-ref"


def test_update_by_ref_without_pending_match_is_empty_200(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(task_id)["workflowInstanceId"]

    response = api.post(f"/tasks/{workflow_id}/other_ref/COMPLETED", json={})

    assert response.status_code == 200
    assert response.content == b""


def test_update_by_ref_strips_loop_suffix(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(task_id)["workflowInstanceId"]

    response = api.post(f"/tasks/{workflow_id}/{task_type}__2/COMPLETED", json={"i": 2})

    assert response.text == task_id
    assert server.get_task(task_id)["outputData"] == {"i": 2}


def test_update_by_ref_errors(api: Api, server: InMemoryConductorServer, task_type: str):
    task_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(task_id)["workflowInstanceId"]

    unknown_workflow = api.post(f"/tasks/nope/{task_type}/COMPLETED", json={})
    bad_status = api.post(f"/tasks/{workflow_id}/{task_type}/DONE", json={})

    assert unknown_workflow.status_code == 404
    assert bad_status.status_code == 500


def test_update_by_ref_sync_returns_workflow(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(task_id)["workflowInstanceId"]

    response = api.post(f"/tasks/{workflow_id}/{task_type}/COMPLETED/sync", json={"v": 1})
    missing = api.post(f"/tasks/{workflow_id}/{task_type}/COMPLETED/sync", json={})

    assert response.status_code == 200
    assert response.json()["status"] == "COMPLETED"
    assert response.json()["tasks"][0]["outputData"] == {"v": 1}
    assert missing.status_code == 404


def test_get_task_and_404_message(api: Api, server: InMemoryConductorServer, task_type: str):
    task_id = server.enqueue_task(task_type, {"k": "v"})

    found = api.get(f"/tasks/{task_id}")
    missing = api.get("/tasks/does-not-exist")

    assert found.status_code == 200
    assert found.json()["inputData"] == {"k": "v"}
    assert found.json()["status"] == "SCHEDULED"
    assert missing.status_code == 404
    assert missing.json()["message"] == "Task not found for taskId: does-not-exist"


def test_task_logs_add_and_get(api: Api, task_type: str):
    empty = api.get("/tasks/any-id/log")
    added = api.post(
        "/tasks/any-id/log", data="the whole body", headers={"Content-Type": "application/json"}
    )
    logs = api.get("/tasks/any-id/log")

    assert empty.status_code == 204
    assert added.status_code == 200
    assert added.content == b""
    assert logs.status_code == 200
    [entry] = logs.json()
    assert entry["log"] == "the whole body"
    assert entry["taskId"] == "any-id"
    assert entry["createdTime"] > 1_000_000_000_000  # milliseconds


def test_queue_sizes_count_only_default_domain(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    server.enqueue_task(task_type)
    server.enqueue_task(task_type, domain="d1")
    other = task_type + "_other"

    response = api.get("/tasks/queue/sizes", params=[("taskType", task_type), ("taskType", other)])

    assert response.json() == {task_type: 2, other: 0}
    one = api.get("/tasks/queue/size", params={"taskType": task_type, "domain": "d1"})
    assert one.json() == 1
    assert api.get("/tasks/queue/all").json()[f"d1:{task_type}"] == 1
    verbose = api.get("/tasks/queue/all/verbose").json()
    assert verbose[task_type] == {"a": {"size": 2, "uacked": 0}}


def test_poll_data_records_every_poll_with_default_key(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.poll(task_type, workerid="w-default")
    api.batch_poll(task_type, workerid="w-blue", domain="blue", timeout=0)

    response = api.get("/tasks/queue/polldata", params={"taskType": task_type})
    everything = api.get("/tasks/queue/polldata/all").json()

    records = {record.get("domain"): record for record in response.json()}
    assert set(records) == {None, "blue"}
    assert records[None]["queueName"] == task_type
    assert records[None]["workerId"] == "w-default"
    assert "domain" not in records[None]
    assert records["blue"]["workerId"] == "w-blue"
    assert records["blue"]["lastPollTime"] > 0
    assert sum(1 for record in everything if record["queueName"] == task_type) == 2


def test_poll_data_requires_task_type(api: Api):
    assert api.get("/tasks/queue/polldata").status_code == 400


def test_requeue_puts_in_progress_tasks_back(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    server.enqueue_task(task_type)
    polled = api.batch_poll(task_type, count=2, timeout=0)
    assert len(polled) == 2
    assert api.poll(task_type) is None

    response = api.post(f"/tasks/queue/requeue/{task_type}")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == "2"
    again = api.batch_poll(task_type, count=5, timeout=0)
    assert sorted(t["taskId"] for t in again) == sorted(t["taskId"] for t in polled)
    assert {t["pollCount"] for t in again} == {2}


def test_request_counts_by_endpoint(api: Api, server: InMemoryConductorServer, task_type: str):
    api.poll(task_type)
    api.batch_poll(task_type, timeout=0)
    api.batch_poll(task_type, timeout=0)
    api.get("/metadata/taskdefs")
    api.get("/no/such/route")

    counts = server.request_counts

    assert counts["poll"] == 1
    assert counts["batch_poll"] == 2
    assert counts["metadata"] == 1
    assert counts["unknown"] == 1
    server.reset_request_counts()
    assert server.request_counts == {}
