"""Workflow and metadata operations of the engine (``/api/workflow``, ``/api/metadata``)."""

from __future__ import annotations

import copy
from typing import Any

from conductor.client.testing import _workflow_actions as actions
from conductor.client.testing._engine import Engine
from conductor.client.testing._errors import java_text, not_found, server_error, validation_error
from conductor.client.testing._metadata import normalize_workflow_def
from conductor.client.testing._records import (
    SCHEDULED,
    TERMINAL_WORKFLOW_STATUSES,
    JsonDict,
    now_ms,
    render_task,
    render_workflow,
)
from conductor.client.testing._state import State


class MetadataApi:
    """Thread-safe access to task and workflow definitions."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def register_task_defs(self, body: Any) -> None:
        """``POST /metadata/taskdefs`` (a list; upsert)."""
        with self._engine.locked() as state:
            state.metadata.register_task_defs(body)

    def update_task_def(self, body: Any) -> None:
        """``PUT /metadata/taskdefs`` (one; 404 if unknown)."""
        with self._engine.locked() as state:
            state.metadata.update_task_def(body)

    def get_task_def(self, name: str) -> JsonDict:
        """``GET /metadata/taskdefs/{name}``."""
        with self._engine.locked() as state:
            return copy.deepcopy(state.metadata.get_task_def(name))

    def task_defs(self) -> list[JsonDict]:
        """``GET /metadata/taskdefs``."""
        with self._engine.locked() as state:
            return copy.deepcopy(list(state.metadata.task_defs.values()))

    def delete_task_def(self, name: str) -> None:
        """``DELETE /metadata/taskdefs/{name}``."""
        with self._engine.locked() as state:
            state.metadata.delete_task_def(name)

    def create_workflow_def(self, body: Any, *, overwrite: bool) -> None:
        """``POST /metadata/workflow``."""
        with self._engine.locked() as state:
            state.metadata.create_workflow_def(body, overwrite=overwrite)

    def upsert_workflow_defs(self, body: Any) -> JsonDict:
        """``PUT /metadata/workflow``: a BulkResponse."""
        with self._engine.locked() as state:
            return state.metadata.upsert_workflow_defs(body)

    def get_workflow_def(self, name: str, version: int | None) -> JsonDict:
        """``GET /metadata/workflow/{name}``."""
        with self._engine.locked() as state:
            return copy.deepcopy(state.metadata.get_workflow_def(name, version))

    def workflow_defs(self) -> list[JsonDict]:
        """``GET /metadata/workflow``: every version."""
        with self._engine.locked() as state:
            return copy.deepcopy(list(state.metadata.all_workflow_defs()))

    def delete_workflow_def(self, name: str, version: int) -> None:
        """``DELETE /metadata/workflow/{name}/{version}``."""
        with self._engine.locked() as state:
            state.metadata.delete_workflow_def(name, version)


class WorkflowApi:
    """Thread-safe workflow execution operations."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def start(self, body: Any) -> str:
        """``POST /workflow`` with a StartWorkflowRequest; returns the workflow id."""
        if not isinstance(body, dict):
            raise server_error("JSON parse error: a StartWorkflowRequest must be a JSON object")
        name, priority = body.get("name"), body.get("priority")
        problems = []
        if not isinstance(name, str) or not name:
            path = "startWorkflow.startWorkflowRequest.name"
            problems.append((path, "Workflow name cannot be null or empty", name))
        if priority is not None and (not isinstance(priority, int) or not 0 <= priority <= 99):
            path = "startWorkflow.startWorkflowRequest.priority"
            problems.append((path, "priority: ranges from 0 to 99", priority))
        if "input" in body and body["input"] is None:
            path = "startWorkflow.startWorkflowRequest.input"
            problems.append((path, "Workflow input cannot be null", None))
        if problems:
            raise validation_error(problems)
        workflow_input = _object(body.get("input"), "input")
        task_to_domain = _object(body.get("taskToDomain"), "taskToDomain")
        inline = body.get("workflowDef")
        version = _optional_int(body.get("version"), "version")
        with self._engine.locked() as state:
            if inline is not None:
                definition = normalize_workflow_def(inline, "startWorkflow.workflowDef")
            else:
                found = state.metadata.find_workflow_def(str(name), version)
                if found is None:
                    raise not_found(
                        f"No such workflow defined. name={name}, version={java_text(version)}"
                    )
                definition = found
            workflow = self._engine.decider.start(
                definition,
                registered=inline is None,
                workflow_input=workflow_input,
                correlation_id=body.get("correlationId"),
                priority=priority or 0,
                task_to_domain={str(k): str(v) for k, v in task_to_domain.items()},
                created_by=body.get("createdBy"),
                idempotency_key=body.get("idempotencyKey"),
            )
            return str(workflow["workflowId"])

    def start_by_name(
        self,
        name: str,
        body: Any,
        *,
        version: int | None,
        correlation_id: str | None,
        priority: int,
    ) -> str:
        """``POST /workflow/{name}``: the body is the workflow input."""
        if body is None:
            raise validation_error([("startWorkflow.input", "Workflow input cannot be null", None)])
        workflow_input = _object(body, "input")
        with self._engine.locked() as state:
            definition = state.metadata.find_workflow_def(name, version)
            if definition is None:
                raise not_found(
                    f"No such workflow found by name: {name}, version: {java_text(version)}"
                )
            workflow = self._engine.decider.start(
                definition,
                workflow_input=workflow_input,
                correlation_id=correlation_id,
                priority=priority,
                registered=True,
            )
            return str(workflow["workflowId"])

    def get(self, workflow_id: str, *, include_tasks: bool = True) -> JsonDict:
        """``GET /workflow/{id}``: tasks in ``seq`` order when ``include_tasks``."""
        with self._engine.locked() as state:
            self._engine.expire_response_timeouts()
            return self._render(state, self._workflow(state, workflow_id), include_tasks)

    @staticmethod
    def _render(state: State, workflow: JsonDict, include_tasks: bool) -> JsonDict:
        now = now_ms()
        tasks = (
            [render_task(task, now) for task in state.workflow_task_records(workflow["workflowId"])]
            if include_tasks
            else []
        )
        return render_workflow(workflow, tasks)

    @staticmethod
    def _workflow(state: State, workflow_id: str) -> JsonDict:
        workflow = state.workflows.get(workflow_id)
        if workflow is None:
            raise not_found(f"No such workflow found by id: {workflow_id}")
        return workflow

    def status(
        self, workflow_id: str, *, include_output: bool, include_variables: bool
    ) -> JsonDict:
        """``GET /workflow/{id}/status``."""
        with self._engine.locked() as state:
            self._engine.expire_response_timeouts()
            workflow = self._workflow(state, workflow_id)
            out: JsonDict = {"workflowId": workflow_id, "status": workflow["status"]}
            if workflow.get("correlationId") is not None:
                out["correlationId"] = workflow["correlationId"]
            if include_output:
                out["output"] = workflow["output"]
            if include_variables:
                out["variables"] = workflow["variables"]
            return out

    def terminate(self, workflow_id: str, reason: str | None) -> None:
        """``DELETE /workflow/{id}``."""
        with self._engine.locked() as state:
            actions.terminate(self._engine.decider, self._workflow(state, workflow_id), reason)

    def remove(self, workflow_id: str) -> None:
        """``DELETE /workflow/{id}/remove``: works in any status."""
        with self._engine.locked() as state:
            self._workflow(state, workflow_id)
            self._engine.decider.remove(workflow_id)

    def terminate_and_remove(self, workflow_id: str, reason: str | None) -> None:
        """``DELETE /workflow/{id}/terminate-remove``."""
        with self._engine.locked() as state:
            workflow = self._workflow(state, workflow_id)
            if workflow["status"] not in TERMINAL_WORKFLOW_STATUSES:
                actions.terminate(self._engine.decider, workflow, reason)
            self._engine.decider.remove(workflow_id)

    def pause(self, workflow_id: str) -> None:
        """``PUT /workflow/{id}/pause``."""
        with self._engine.locked() as state:
            actions.pause(self._workflow(state, workflow_id))

    def resume(self, workflow_id: str) -> None:
        """``PUT /workflow/{id}/resume``."""
        with self._engine.locked() as state:
            actions.resume(self._engine.decider, self._workflow(state, workflow_id))

    def restart(self, workflow_id: str, *, use_latest_definitions: bool) -> None:
        """``POST /workflow/{id}/restart``."""
        with self._engine.locked() as state:
            workflow = self._workflow(state, workflow_id)
            latest = None
            if use_latest_definitions:
                latest = state.metadata.find_workflow_def(workflow["workflowName"], None)
            actions.restart(self._engine.decider, workflow, latest)

    def retry(self, workflow_id: str) -> None:
        """``POST /workflow/{id}/retry``."""
        with self._engine.locked() as state:
            actions.retry(self._engine.decider, self._workflow(state, workflow_id))

    def decide(self, workflow_id: str) -> None:
        """``PUT /workflow/decide/{id}``."""
        with self._engine.locked() as state:
            self._engine.decider.decide(self._workflow(state, workflow_id))

    def skip_task(self, workflow_id: str, ref: str, body: Any) -> None:
        """``PUT /workflow/{id}/skiptask/{ref}``: a SKIPPED task with the request's input/output."""
        request = _object(body, "SkipTaskRequest")
        task_input = _object(request.get("taskInput"), "taskInput")
        task_output = _object(request.get("taskOutput"), "taskOutput")
        with self._engine.locked() as state:
            workflow = self._workflow(state, workflow_id)
            actions.skip(self._engine.decider, workflow, ref, task_input, task_output)

    def rerun(self, workflow_id: str, body: Any) -> str:
        """``POST /workflow/{id}/rerun`` with a RerunWorkflowRequest; returns the workflow id."""
        request = _object(body, "RerunWorkflowRequest")
        task_id = request.get("reRunFromTaskId")
        task_input = request.get("taskInput")
        workflow_input = request.get("workflowInput")
        correlation_id = request.get("correlationId")
        with self._engine.locked() as state:
            actions.rerun(
                self._engine.decider,
                self._workflow(state, workflow_id),
                task_id=None if task_id is None else str(task_id),
                task_input=None if task_input is None else _object(task_input, "taskInput"),
                workflow_input=(
                    None if workflow_input is None else _object(workflow_input, "workflowInput")
                ),
                correlation_id=None if correlation_id is None else str(correlation_id),
            )
        return workflow_id

    def run(
        self, workflow_id: str, request_id: str, until_ref: str | None
    ) -> tuple[bool, JsonDict]:
        """A WorkflowRun of the workflow, and whether a synchronous execute may answer now.

        It may once the workflow has ended, or once a task with reference ``until_ref``
        (compared ignoring case) has been scheduled.
        """
        with self._engine.locked() as state:
            self._engine.expire_response_timeouts()
            workflow = self._render(state, self._workflow(state, workflow_id), True)
        wanted = until_ref.lower() if until_ref else None
        done = workflow["status"] in TERMINAL_WORKFLOW_STATUSES or any(
            task["referenceTaskName"].lower() == wanted for task in workflow["tasks"]
        )
        run = {key: workflow[key] for key in _WORKFLOW_RUN_FIELDS if key in workflow}
        run["requestId"] = request_id
        return done, run

    def reset_callbacks(self, workflow_id: str) -> None:
        """``POST /workflow/{id}/resetcallbacks``: SCHEDULED tasks become pollable now."""
        with self._engine.locked() as state:
            self._workflow(state, workflow_id)
            for task in state.workflow_task_records(workflow_id):
                if task["status"] == SCHEDULED and task["callbackAfterSeconds"] > 0:
                    task["callbackAfterSeconds"] = 0
                    state.unqueue(task)
                    state.push(task, 0.0)

    def running(self, name: str, version: int) -> list[str]:
        """``GET /workflow/running/{name}``: ids of RUNNING workflows of that version."""
        with self._engine.locked() as state:
            return [
                workflow_id
                for workflow_id, workflow in state.workflows.items()
                if workflow["workflowName"] == name
                and workflow["workflowVersion"] == version
                and workflow["status"] == "RUNNING"
            ]

    def correlated_batch(
        self, name: str, body: Any, *, include_closed: bool, include_tasks: bool
    ) -> dict[str, list[JsonDict]]:
        """``POST /workflow/{name}/correlated``: workflows per correlation id of the body list."""
        if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
            raise server_error("JSON parse error: the body must be a JSON array of correlation ids")
        with self._engine.locked():
            return {
                correlation_id: self.correlated(
                    name,
                    correlation_id,
                    include_closed=include_closed,
                    include_tasks=include_tasks,
                )
                for correlation_id in body
            }

    def correlated(
        self, name: str, correlation_id: str, *, include_closed: bool, include_tasks: bool
    ) -> list[JsonDict]:
        """``GET /workflow/{name}/correlated/{correlationId}``."""
        with self._engine.locked() as state:
            return [
                self._render(state, workflow, include_tasks)
                for workflow in state.workflows.values()
                if workflow["workflowName"] == name
                and workflow.get("correlationId") == correlation_id
                and (include_closed or workflow["status"] not in TERMINAL_WORKFLOW_STATUSES)
            ]


_WORKFLOW_RUN_FIELDS = (
    "workflowId",
    "correlationId",
    "input",
    "output",
    "tasks",
    "status",
    "reasonForIncompletion",
    "createdBy",
    "createTime",
    "updateTime",
    "priority",
    "variables",
)


def _object(value: Any, what: str) -> JsonDict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise server_error(f"JSON parse error: {what} must be a JSON object")
    return value


def _optional_int(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise server_error(f"JSON parse error: {what} must be an integer, got {value!r}")
    return value
