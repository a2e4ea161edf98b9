"""Operator actions on workflows: terminate, pause, resume, restart, retry, skip and rerun.

Built on the Decider; every function expects the state lock to be held by the caller.
"""

from __future__ import annotations

from conductor.client.testing._errors import bad_request, conflict, server_error
from conductor.client.testing._records import (
    COMPLETED,
    FAILED,
    PAUSED,
    RUNNING,
    SCHEDULED,
    SKIPPED,
    TERMINAL_WORKFLOW_STATUSES,
    TERMINATED,
    TIMED_OUT,
    JsonDict,
    now_ms,
)
from conductor.client.testing._workflows import WORKFLOW_STATUS_FOR_TASK, Decider


def terminate(decider: Decider, workflow: JsonDict, reason: str | None) -> None:
    """Terminate: 409 on COMPLETED, no-op on TERMINATED, pending tasks CANCELED."""
    if workflow["status"] == COMPLETED:
        raise conflict("Cannot terminate a COMPLETED workflow.")
    if workflow["status"] == TERMINATED:
        return
    workflow["reasonForIncompletion"] = reason
    decider.finish(workflow, TERMINATED)
    decider.cancel_pending(workflow)


def pause(workflow: JsonDict) -> None:
    """RUNNING -> PAUSED: tasks already queued still run, nothing new is scheduled."""
    _require_not_terminal(workflow)
    workflow["status"] = PAUSED
    workflow["updateTime"] = now_ms()


def resume(decider: Decider, workflow: JsonDict) -> None:
    """PAUSED -> RUNNING, then decide."""
    if workflow["status"] != PAUSED:
        raise conflict(
            f"The workflow {workflow['workflowId']} is not PAUSED so cannot resume. "
            f"Current status is {workflow['status']}"
        )
    workflow["status"] = RUNNING
    workflow["updateTime"] = now_ms()
    decider.decide(workflow)


def _require_not_terminal(workflow: JsonDict) -> None:
    if workflow["status"] in TERMINAL_WORKFLOW_STATUSES:
        raise conflict(
            f"Workflow {workflow['workflowId']} has ended ({workflow['status']}), "
            "its status cannot be changed"
        )


def restart(decider: Decider, workflow: JsonDict, latest_definition: JsonDict | None) -> None:
    """Run a terminal workflow again from its first task, under the same id."""
    if workflow["status"] not in TERMINAL_WORKFLOW_STATUSES:
        raise conflict(
            f"Workflow {workflow['workflowId']} is {workflow['status']}: only a workflow "
            "in a terminal state can be restarted"
        )
    if not workflow["workflowDefinition"].get("restartable", True):
        raise conflict(f"Workflow {workflow['workflowId']} is not restartable")
    decider.remove_tasks(workflow["workflowId"])
    if latest_definition is not None:
        workflow["workflowDefinition"] = decider.with_task_definitions(
            latest_definition, registered=True
        )
        workflow["workflowVersion"] = latest_definition.get("version", 1)
    workflow.update(
        status=RUNNING,
        reasonForIncompletion=None,
        output={},
        endTime=0,
        failedReferenceTaskNames=[],
        failedTaskNames=[],
        updateTime=now_ms(),
    )
    decider.state.workflow_tasks[workflow["workflowId"]] = []
    decider.decide(workflow)


def retry(decider: Decider, workflow: JsonDict) -> None:
    """Retry the failed or canceled tasks of a FAILED/TIMED_OUT/TERMINATED workflow."""
    if workflow["status"] not in (FAILED, TIMED_OUT, TERMINATED):
        raise conflict(
            f"Workflow {workflow['workflowId']} is {workflow['status']}: only FAILED, "
            "TIMED_OUT or TERMINATED workflows can be retried"
        )
    by_ref = {task["taskReferenceName"]: task for task in workflow["workflowDefinition"]["tasks"]}
    failed = [
        task
        for task in decider.latest_attempts(workflow["workflowId"]).values()
        if task["status"] in WORKFLOW_STATUS_FOR_TASK and not task["retried"]
    ]
    if not failed:
        raise conflict(f"There are no retryable tasks in workflow {workflow['workflowId']}")
    workflow.update(status=RUNNING, reasonForIncompletion=None, endTime=0)
    workflow["lastRetriedTime"] = workflow["updateTime"] = now_ms()
    for task in failed:
        task["retried"] = True
        decider.schedule(workflow, by_ref[task["referenceTaskName"]], previous=task, delay_s=0)
    decider.decide(workflow)


def skip(
    decider: Decider, workflow: JsonDict, ref: str, task_input: JsonDict, task_output: JsonDict
) -> None:
    """Record a SKIPPED task for a reference not scheduled yet, then decide.

    The real server answers 500 (an IllegalStateException) to each refusal below.
    """
    workflow_id = workflow["workflowId"]
    if workflow["status"] != RUNNING:
        raise server_error(
            f"The workflow {workflow_id} is not running so the task referenced by {ref} "
            "cannot be skipped"
        )
    by_ref = {t["taskReferenceName"]: t for t in workflow["workflowDefinition"]["tasks"]}
    if ref not in by_ref:
        raise server_error(
            f"The task referenced by {ref} does not exist in the WorkflowDefinition "
            f"{workflow['workflowName']}"
        )
    if ref in decider.latest_attempts(workflow_id):
        raise server_error(
            f"The task referenced {ref} has already been processed, cannot be skipped"
        )
    task = decider.add_task(
        workflow, by_ref[ref], input_data=task_input, domain=None, delay_seconds=0
    )
    task.update(status=SKIPPED, outputData=task_output, endTime=now_ms())
    decider.decide(workflow)


def rerun(
    decider: Decider,
    workflow: JsonDict,
    *,
    task_id: str | None,
    task_input: JsonDict | None,
    workflow_input: JsonDict | None,
    correlation_id: str | None,
) -> None:
    """Run a terminal workflow again from the start, or from one of its tasks (same id)."""
    workflow_id = workflow["workflowId"]
    if workflow["status"] not in TERMINAL_WORKFLOW_STATUSES:
        raise conflict(f"Workflow: {workflow_id} is not in terminal state, unable to rerun.")
    if task_id is None:
        decider.remove_tasks(workflow_id)
        decider.state.workflow_tasks[workflow_id] = []
    else:
        _rerun_from(decider, workflow_id, task_id, task_input)
    workflow.update(
        status=RUNNING,
        reasonForIncompletion=None,
        endTime=0,
        failedReferenceTaskNames=[],
        failedTaskNames=[],
        updateTime=now_ms(),
    )
    if correlation_id is not None:
        workflow["correlationId"] = correlation_id
    if workflow_input is not None:
        workflow["input"] = workflow_input
    decider.decide(workflow)


def _rerun_from(
    decider: Decider, workflow_id: str, task_id: str, task_input: JsonDict | None
) -> None:
    """Forget the tasks after ``task_id`` and schedule that task again."""
    state = decider.state
    records = state.workflow_task_records(workflow_id)
    target = next((task for task in records if task["taskId"] == task_id), None)
    if target is None:
        raise bad_request(f"Task {task_id} not found")
    for task in records:
        if task["seq"] > target["seq"]:
            state.tasks.pop(task["taskId"], None)
            state.unqueue(task)
            state.logs.pop(task["taskId"], None)
    state.workflow_tasks[workflow_id] = [
        task["taskId"] for task in records if task["seq"] <= target["seq"]
    ]
    target.update(
        status=SCHEDULED,
        scheduledTime=now_ms(),
        startTime=0,
        updateTime=0,
        endTime=0,
        outputData={},
        retried=False,
        executed=False,
        callbackAfterSeconds=0,
    )
    if task_input is not None:
        target["inputData"] = task_input
    state.push(target)
