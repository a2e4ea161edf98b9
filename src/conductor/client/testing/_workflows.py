"""The decider: runs workflows of SIMPLE tasks in sequence, with retries and domains.

Every function expects the state lock to be held by the caller (the engine).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from conductor.client.testing._expressions import ExpressionContext, evaluate
from conductor.client.testing._records import (
    CANCELED,
    COMPLETED,
    COMPLETED_WITH_ERRORS,
    FAILED,
    FAILED_WITH_TERMINAL_ERROR,
    RETRIABLE_TASK_STATUSES,
    RUNNING,
    SUCCESSFUL_TASK_STATUSES,
    TERMINAL_TASK_STATUSES,
    TERMINATED,
    TIMED_OUT,
    JsonDict,
    default_task_def,
    new_task,
    new_workflow,
    now_ms,
)
from conductor.client.testing._state import State

ACTIVE_WORKER_WINDOW_MS = 10_000
NO_DOMAIN = "NO_DOMAIN"
WORKFLOW_STATUS_FOR_TASK = {
    FAILED: FAILED,
    FAILED_WITH_TERMINAL_ERROR: FAILED,
    TIMED_OUT: TIMED_OUT,
    CANCELED: TERMINATED,
}
_UNSET: Any = object()


class Decider:
    """Schedules, retries and finishes workflow tasks; the engine calls it after each change."""

    def __init__(self, state: State) -> None:
        self.state = state
        # Workflows created by ``enqueue_task``: their task input is literal (no expressions)
        # and their domain is fixed, not resolved from taskToDomain.
        self._direct: dict[str, str | None] = {}
        self._defaults: dict[str, JsonDict] = {}
        self._populated: dict[tuple[Any, Any], tuple[JsonDict, list[JsonDict], JsonDict]] = {}

    # -- starting -------------------------------------------------------------------------------

    def start(
        self,
        definition: JsonDict,
        *,
        workflow_input: JsonDict,
        correlation_id: str | None = None,
        priority: int = 0,
        task_to_domain: dict[str, str] | None = None,
        created_by: str | None = None,
        idempotency_key: str | None = None,
        direct_domain: str | None = _UNSET,
        registered: bool = False,
    ) -> JsonDict:
        """Create a RUNNING workflow and schedule its first task."""
        workflow = new_workflow(
            self.with_task_definitions(definition, registered=registered),
            workflow_input=workflow_input,
            correlation_id=correlation_id,
            priority=priority,
            task_to_domain=dict(task_to_domain or {}),
            created_by=created_by,
            idempotency_key=idempotency_key,
        )
        workflow_id = workflow["workflowId"]
        if direct_domain is not _UNSET:
            self._direct[workflow_id] = direct_domain
        self.state.workflows[workflow_id] = workflow
        self.state.workflow_tasks[workflow_id] = []
        self.decide(workflow)
        return workflow

    def with_task_definitions(self, definition: JsonDict, *, registered: bool = False) -> JsonDict:
        """A copy of ``definition`` whose tasks embed their TaskDef (registered or default).

        Stored definitions and TaskDefs are never mutated in place (updates replace them), so
        the copy shares them, and for a ``registered`` definition it is reused by every
        workflow started from it until the definition or one of its TaskDefs changes.
        """
        task_defs = [self._task_def(workflow_task["name"]) for workflow_task in definition["tasks"]]
        key = (definition.get("name"), definition.get("version"))
        cached = self._populated.get(key) if registered else None
        if (
            cached is not None
            and cached[0] is definition
            and all(a is b for a, b in zip(cached[1], task_defs))
        ):
            return cached[2]
        tasks = []
        for workflow_task, task_def in zip(definition["tasks"], task_defs):
            workflow_task = dict(workflow_task)
            if workflow_task.get("taskDefinition") is None:
                workflow_task["taskDefinition"] = task_def
            tasks.append(workflow_task)
        populated = {**definition, "tasks": tasks}
        if registered:
            self._populated[key] = (definition, task_defs, populated)
        return populated

    def _task_def(self, name: str) -> JsonDict:
        registered = self.state.task_def_for(name)
        if registered is not None:
            return registered
        default = self._defaults.get(name)
        if default is None:
            default = self._defaults[name] = default_task_def(name)
        return default

    # -- deciding -------------------------------------------------------------------------------

    def decide(self, workflow: JsonDict) -> None:
        """Move a RUNNING workflow forward: schedule, retry, fail or complete."""
        if workflow["status"] != RUNNING:
            return
        latest = self.latest_attempts(workflow["workflowId"])
        for workflow_task in workflow["workflowDefinition"]["tasks"]:
            task = latest.get(workflow_task["taskReferenceName"])
            if task is None:
                self.schedule(workflow, workflow_task)
                return
            status = task["status"]
            if status not in TERMINAL_TASK_STATUSES:
                return
            task["executed"] = True
            if status in SUCCESSFUL_TASK_STATUSES:
                continue
            if not self._handle_failure(workflow, workflow_task, task):
                return
        self._complete(workflow)

    def latest_attempts(self, workflow_id: str) -> dict[str, JsonDict]:
        latest: dict[str, JsonDict] = {}
        for task in self.state.workflow_task_records(workflow_id):
            latest[task["referenceTaskName"]] = task
        return latest

    def _handle_failure(self, workflow: JsonDict, workflow_task: JsonDict, task: JsonDict) -> bool:
        """Retry, tolerate (optional task) or fail; True when the workflow may go on."""
        retriable = task["status"] in RETRIABLE_TASK_STATUSES
        if retriable and task["retryCount"] < self._retry_limit(workflow_task):
            self._retry(workflow, workflow_task, task)
            return False
        if workflow_task.get("optional"):
            task["status"] = COMPLETED_WITH_ERRORS
            return True
        self._fail(workflow, task)
        return False

    @staticmethod
    def _retry_limit(workflow_task: JsonDict) -> int:
        if workflow_task.get("retryCount") is not None:
            return int(workflow_task["retryCount"])
        task_def = workflow_task.get("taskDefinition") or {}
        return int(task_def.get("retryCount", 3))

    # -- scheduling -----------------------------------------------------------------------------

    def schedule(
        self,
        workflow: JsonDict,
        workflow_task: JsonDict,
        *,
        previous: JsonDict | None = None,
        delay_s: float | None = None,
    ) -> JsonDict:
        """Add the next attempt of ``workflow_task`` (a retry of ``previous``) and queue it."""
        if delay_s is None:
            delay_s = float(workflow_task.get("startDelay") or 0)
        task = self.add_task(
            workflow,
            workflow_task,
            input_data=self._task_input(workflow, workflow_task, previous),
            domain=self._domain_for(workflow, workflow_task["name"], previous),
            delay_seconds=int(delay_s),
            retry_count=0 if previous is None else previous["retryCount"] + 1,
        )
        if previous is not None:
            task["retriedTaskId"] = previous["taskId"]
            task["reasonForIncompletion"] = previous["reasonForIncompletion"]
        self.state.push(task, delay_s)
        workflow["updateTime"] = now_ms()
        return task

    def add_task(
        self,
        workflow: JsonDict,
        workflow_task: JsonDict,
        *,
        input_data: JsonDict,
        domain: str | None,
        delay_seconds: int,
        retry_count: int = 0,
    ) -> JsonDict:
        """Record a new SCHEDULED task of ``workflow``, next in ``seq`` order (not queued)."""
        task_ids = self.state.workflow_tasks[workflow["workflowId"]]
        task = new_task(
            workflow,
            workflow_task,
            seq=len(task_ids) + 1,
            input_data=input_data,
            domain=domain,
            delay_seconds=delay_seconds,
            retry_count=retry_count,
        )
        self.state.tasks[task["taskId"]] = task
        task_ids.append(task["taskId"])
        return task

    def _task_input(
        self, workflow: JsonDict, workflow_task: JsonDict, previous: JsonDict | None
    ) -> JsonDict:
        parameters = workflow_task.get("inputParameters") or {}
        if workflow["workflowId"] in self._direct:
            return dict(parameters)  # literal input, copied once when it was enqueued
        result = evaluate(parameters, self._context(workflow))
        return result if isinstance(result, dict) else {}

    def _context(self, workflow: JsonDict) -> ExpressionContext:
        return ExpressionContext(workflow, self.latest_attempts(workflow["workflowId"]))

    def _domain_for(self, workflow: JsonDict, task_type: str, previous: JsonDict | None) -> Any:
        """The task's domain: fixed for enqueued tasks, else from taskToDomain (reference §6)."""
        if previous is not None:
            return previous["domain"]
        direct = self._direct.get(workflow["workflowId"], _UNSET)
        if direct is not _UNSET:
            return direct
        mapping = workflow.get("taskToDomain") or {}
        spec = mapping.get(task_type, mapping.get("*"))
        if spec is None:
            return None
        candidates = [domain.strip() for domain in str(spec).split(",")]
        for domain in candidates:
            if domain != NO_DOMAIN and self.state.recent_poller(
                task_type, domain, ACTIVE_WORKER_WINDOW_MS
            ):
                return domain
        return None if candidates[-1] == NO_DOMAIN else candidates[-1]

    def _retry(self, workflow: JsonDict, workflow_task: JsonDict, task: JsonDict) -> None:
        task["retried"] = True
        task_def = workflow_task.get("taskDefinition") or {}
        delay_s = retry_delay_seconds(task_def, task["retryCount"])
        self.schedule(workflow, workflow_task, previous=task, delay_s=delay_s)

    # -- finishing ------------------------------------------------------------------------------

    def _complete(self, workflow: JsonDict) -> None:
        output_parameters = workflow["workflowDefinition"].get("outputParameters") or {}
        if output_parameters:
            output = evaluate(output_parameters, self._context(workflow))
        else:
            tasks = self.state.workflow_task_records(workflow["workflowId"])
            output = tasks[-1]["outputData"] if tasks else {}
        workflow["output"] = output
        self.finish(workflow, COMPLETED)

    def _fail(self, workflow: JsonDict, task: JsonDict) -> None:
        status = task["status"]
        reason = task.get("reasonForIncompletion")
        workflow["reasonForIncompletion"] = (
            f"Task {task['taskId']} failed with status: {status} and reason: '{reason}'"
        )
        workflow["failedReferenceTaskNames"] = [
            *workflow["failedReferenceTaskNames"],
            task["referenceTaskName"],
        ]
        workflow["failedTaskNames"] = [*workflow["failedTaskNames"], task["taskDefName"]]
        self.finish(workflow, WORKFLOW_STATUS_FOR_TASK.get(status, FAILED))
        self.cancel_pending(workflow)

    def finish(self, workflow: JsonDict, status: str) -> None:
        workflow["status"] = status
        workflow["endTime"] = workflow["updateTime"] = now_ms()

    def cancel_pending(self, workflow: JsonDict) -> None:
        """CANCEL every non-terminal task of the workflow and drop its queue message."""
        now = now_ms()
        for task in self.state.workflow_task_records(workflow["workflowId"]):
            if task["status"] not in TERMINAL_TASK_STATUSES:
                task["status"] = CANCELED
                task["endTime"] = now
                self.state.unqueue(task)

    # -- forgetting ------------------------------------------------------------------------------

    def remove_tasks(self, workflow_id: str) -> None:
        """Forget the workflow's tasks and their queue messages."""
        state = self.state
        for task_id in state.workflow_tasks.get(workflow_id, ()):
            task = state.tasks.pop(task_id, None)
            if task is not None:
                state.unqueue(task)
            state.logs.pop(task_id, None)

    def remove(self, workflow_id: str) -> None:
        """Forget the workflow entirely."""
        self.remove_tasks(workflow_id)
        self.state.workflow_tasks.pop(workflow_id, None)
        self.state.workflows.pop(workflow_id, None)
        self._direct.pop(workflow_id, None)

    def pending_tasks(self, workflow_id: str) -> Iterable[JsonDict]:
        """Non-terminal tasks of the workflow, in ``seq`` order."""
        for task in self.state.workflow_task_records(workflow_id):
            if task["status"] not in TERMINAL_TASK_STATUSES:
                yield task


def retry_delay_seconds(task_def: JsonDict, retry_count: int) -> float:
    """Delay before retry number ``retry_count + 1`` per the TaskDef's retry logic."""
    base = int(task_def.get("retryDelaySeconds", 60))
    logic = task_def.get("retryLogic", "FIXED")
    if logic == "LINEAR_BACKOFF":
        delay = base * int(task_def.get("backoffScaleFactor", 1)) * (retry_count + 1)
    elif logic == "EXPONENTIAL_BACKOFF":
        delay = base * 2**retry_count
    else:
        delay = base
    cap = int(task_def.get("maxRetryDelaySeconds") or 0)
    if cap > 0:
        delay = min(delay, cap)
    jitter_ms = int(task_def.get("backoffJitterMs") or 0)
    return float(delay) + (random.randint(0, jitter_ms) / 1000.0 if jitter_ms > 0 else 0.0)
