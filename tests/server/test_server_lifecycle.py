"""Task lifecycle rules (reference §6): callbacks, timeouts, retries, terminal updates."""

from __future__ import annotations

import time
from typing import Any

import pytest
from server_helpers import Api, simple_task, simple_workflow

from conductor.client.testing import InMemoryConductorServer
from conductor.client.testing._workflows import retry_delay_seconds


def _poll_until(api: Api, server: InMemoryConductorServer, task_type: str) -> dict[str, Any]:
    """Poll (short long-polls) until a task comes out."""
    found: list[dict[str, Any]] = []

    def got_one() -> bool:
        found.extend(api.batch_poll(task_type, timeout=200))
        return bool(found)

    server.wait_for(got_one, timeout=10)
    return found[0]


def test_in_progress_update_reschedules_after_callback_delay(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    first = api.poll(task_type)
    assert first is not None

    api.update(first, "IN_PROGRESS", callbackAfterSeconds=1, outputData={"step": 1})

    stored = server.get_task(task_id)
    assert stored["status"] == "SCHEDULED"
    assert stored["callbackAfterSeconds"] == 1
    assert stored["outputData"] == {"step": 1}
    assert api.poll(task_type) is None  # not before the delay
    again = _poll_until(api, server, task_type)
    assert again["taskId"] == task_id
    assert again["pollCount"] == 2
    assert again["startTime"] == first["startTime"]
    assert again["callbackAfterSeconds"] == 0


def test_in_progress_with_zero_callback_is_pollable_at_once(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    first = api.poll(task_type)
    assert first is not None

    api.update(first, "IN_PROGRESS")

    again = api.poll(task_type)
    assert again is not None
    assert again["taskId"] == first["taskId"]


def test_long_poll_returns_task_when_its_callback_delay_ends(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    first = api.poll(task_type)
    assert first is not None
    api.update(first, "IN_PROGRESS", callbackAfterSeconds=1)

    tasks = api.batch_poll(task_type, timeout=5000)  # waits on the delay, not the full timeout

    assert [t["taskId"] for t in tasks] == [first["taskId"]]


def test_start_delay_makes_task_pollable_later(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type, start_delay_seconds=1)

    assert api.poll(task_type) is None
    assert server.get_task(task_id)["startDelayInSeconds"] == 1
    assert _poll_until(api, server, task_type)["taskId"] == task_id


def test_response_timeout_times_out_and_retries_under_new_id(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.register_task_def(task_type, responseTimeoutSeconds=1, retryCount=1, retryDelaySeconds=0)
    task_id = server.enqueue_task(task_type)
    first = api.poll(task_type, workerid="slow")
    assert first is not None

    server.wait_for(lambda: server.get_task(task_id)["status"] == "TIMED_OUT", timeout=10)

    timed_out = server.get_task(task_id)
    assert timed_out["reasonForIncompletion"].startswith("responseTimeout: 1 exceeded")
    assert timed_out["retried"] is True
    [retry] = [t for t in server.tasks_by_type(task_type) if t["taskId"] != task_id]
    assert retry["retriedTaskId"] == task_id
    assert retry["retryCount"] == 1
    assert retry["status"] == "SCHEDULED"
    # The late worker's update is accepted and ignored.
    late = api.update(first, "COMPLETED", outputData={"late": True})
    assert late.status_code == 200
    assert server.get_task(task_id)["status"] == "TIMED_OUT"
    assert server.get_task(task_id)["outputData"] == {}
    assert api.poll(task_type)["taskId"] == retry["taskId"]  # type: ignore[index]


def test_response_timeout_without_retries_left_times_out_the_workflow(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.register_task_def(task_type, responseTimeoutSeconds=1, retryCount=0)
    task_id = server.enqueue_task(task_type)
    assert api.poll(task_type) is not None
    workflow_id = server.get_task(task_id)["workflowInstanceId"]

    server.wait_for(lambda: server.workflow(workflow_id)["status"] == "TIMED_OUT", timeout=10)

    assert server.get_task(task_id)["status"] == "TIMED_OUT"


def test_enqueue_response_timeout_override(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type, response_timeout_seconds=1, retry_count=0)
    assert api.poll(task_type) is not None

    server.wait_for(lambda: server.get_task(task_id)["status"] == "TIMED_OUT", timeout=10)

    assert server.get_task(task_id)["responseTimeoutSeconds"] == 1


def test_extend_lease_only_bumps_update_time(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None
    before = server.get_task(task_id)
    server.wait_for(lambda: _now_ms() > before["updateTime"], timeout=5)  # a later millisecond

    response = api.update(task, "IN_PROGRESS", extendLease=True, outputData={"ignored": 1})

    assert response.status_code == 200
    assert response.text == task_id
    after = server.get_task(task_id)
    assert after["updateTime"] > before["updateTime"]
    assert after["status"] == "IN_PROGRESS"
    assert after["outputData"] == {}
    assert server.queue_size(task_type) == 0


def _now_ms() -> int:
    return int(time.time() * 1000)


def test_failed_task_is_retried_per_task_def_then_workflow_fails(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.register_task_def(task_type, retryCount=2, retryDelaySeconds=0)
    first_id = server.enqueue_task(task_type)
    workflow_id = server.get_task(first_id)["workflowInstanceId"]

    attempts = []
    for _ in range(3):
        task = api.poll(task_type)
        assert task is not None
        attempts.append(task)
        api.update(task, "FAILED", reasonForIncompletion="boom")

    assert [t["retryCount"] for t in attempts] == [0, 1, 2]
    assert attempts[1]["retriedTaskId"] == attempts[0]["taskId"]
    assert attempts[2]["retriedTaskId"] == attempts[1]["taskId"]
    assert attempts[1]["reasonForIncompletion"] == "boom"  # carried over to the retry
    assert api.poll(task_type) is None
    workflow = server.workflow(workflow_id)
    assert workflow["status"] == "FAILED"
    last = attempts[2]["taskId"]
    assert workflow["reasonForIncompletion"] == (
        f"Task {last} failed with status: FAILED and reason: 'boom'"
    )
    assert workflow["failedReferenceTaskNames"] == [task_type]
    assert [t["retried"] for t in workflow["tasks"]] == [True, True, False]


def test_retry_waits_retry_delay(api: Api, server: InMemoryConductorServer, task_type: str):
    api.register_task_def(task_type, retryCount=1, retryDelaySeconds=1)
    server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    api.update(task, "FAILED")

    [retry] = [t for t in server.tasks_by_type(task_type) if t["retryCount"] == 1]
    assert retry["startDelayInSeconds"] == 1
    assert retry["callbackAfterSeconds"] == 1
    assert api.poll(task_type) is None
    assert _poll_until(api, server, task_type)["taskId"] == retry["taskId"]


@pytest.mark.parametrize(
    ("fields", "retry_count", "expected"),
    [
        ({"retryLogic": "FIXED", "retryDelaySeconds": 5}, 3, 5),
        ({"retryLogic": "LINEAR_BACKOFF", "retryDelaySeconds": 2, "backoffScaleFactor": 3}, 1, 12),
        ({"retryLogic": "EXPONENTIAL_BACKOFF", "retryDelaySeconds": 2}, 3, 16),
        (
            {
                "retryLogic": "EXPONENTIAL_BACKOFF",
                "retryDelaySeconds": 2,
                "maxRetryDelaySeconds": 5,
            },
            3,
            5,
        ),
    ],
)
def test_retry_delay_logic(fields: dict[str, Any], retry_count: int, expected: float):
    assert retry_delay_seconds(fields, retry_count) == expected


def test_retry_jitter_stays_within_bound():
    task_def = {"retryDelaySeconds": 1, "backoffJitterMs": 300}

    delays = {retry_delay_seconds(task_def, 0) for _ in range(50)}

    assert all(1.0 <= delay <= 1.3 for delay in delays)


def test_linear_backoff_delay_is_written_on_the_retry(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.register_task_def(
        task_type,
        retryCount=1,
        retryLogic="LINEAR_BACKOFF",
        retryDelaySeconds=2,
        backoffScaleFactor=3,
    )
    server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    api.update(task, "FAILED")

    [retry] = [t for t in server.tasks_by_type(task_type) if t["retryCount"] == 1]
    assert retry["startDelayInSeconds"] == 6


def test_terminal_error_is_never_retried(api: Api, server: InMemoryConductorServer, task_type: str):
    api.register_task_def(task_type, retryCount=5, retryDelaySeconds=0)
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    api.update(task, "FAILED_WITH_TERMINAL_ERROR", reasonForIncompletion="fatal")

    assert len(server.tasks_by_type(task_type)) == 1
    workflow = server.workflow(server.get_task(task_id)["workflowInstanceId"])
    assert workflow["status"] == "FAILED"
    assert "FAILED_WITH_TERMINAL_ERROR and reason: 'fatal'" in workflow["reasonForIncompletion"]


def test_unregistered_task_gets_default_task_def(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    api.update(task, "FAILED")

    [retry] = [t for t in server.tasks_by_type(task_type) if t["retryCount"] == 1]
    assert retry["startDelayInSeconds"] == 60
    assert retry["taskDefinition"]["retryCount"] == 3
    assert retry["responseTimeoutSeconds"] == 3600


def test_workflow_task_retry_count_overrides_task_def(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.register_task_def(task_type, retryCount=5, retryDelaySeconds=0)
    task_id = server.enqueue_task(task_type, retry_count=0)
    task = api.poll(task_type)
    assert task is not None

    api.update(task, "FAILED")

    assert len(server.tasks_by_type(task_type)) == 1
    assert server.workflow(server.get_task(task_id)["workflowInstanceId"])["status"] == "FAILED"


def test_canceled_result_terminates_the_workflow(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None

    api.update(task, "CANCELED")

    assert server.workflow(server.get_task(task_id)["workflowInstanceId"])["status"] == "TERMINATED"


def test_optional_task_failure_completes_with_errors_and_workflow_continues(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.register_task_def(task_type, retryCount=0)
    name = f"wf_{task_type}"
    api.register_workflow(
        simple_workflow(
            name,
            simple_task(task_type, "a", optional=True),
            simple_task(task_type, "b"),
        )
    )
    workflow_id = api.start(name)
    first = api.poll(task_type)
    assert first is not None

    api.update(first, "FAILED")

    assert server.get_task(first["taskId"])["status"] == "COMPLETED_WITH_ERRORS"
    second = api.poll(task_type)
    assert second is not None
    assert second["referenceTaskName"] == "b"
    api.update(second, "COMPLETED")
    assert api.workflow(workflow_id)["status"] == "COMPLETED"


def test_update_of_terminal_task_is_accepted_and_changes_nothing(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    task_id = server.enqueue_task(task_type)
    task = api.poll(task_type)
    assert task is not None
    api.update(task, "COMPLETED", outputData={"v": 1})

    duplicate = api.update(task, "FAILED", outputData={"v": 2})

    assert duplicate.status_code == 200
    assert duplicate.text == task_id
    stored = server.get_task(task_id)
    assert stored["status"] == "COMPLETED"
    assert stored["outputData"] == {"v": 1}


def test_concurrent_exec_limit_holds_back_extra_tasks(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    api.register_task_def(task_type, concurrentExecLimit=1)
    server.enqueue_task(task_type)
    held = server.enqueue_task(task_type)

    polled = api.batch_poll(task_type, count=2, timeout=0)

    assert len(polled) == 1
    assert server.get_task(held)["status"] == "SCHEDULED"
    assert server.queue_size(task_type) == 1  # pushed back, postponed
