"""Workflow execution endpoints (``/workflow``): start, inspect, control."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conductor.client.http.api._operation import TEXT, Operation, ResourceApi, http_info

if TYPE_CHECKING:
    from conductor.client.http.models.rerun_workflow_request import RerunWorkflowRequest
    from conductor.client.http.models.search_result_workflow_summary import (
        SearchResultWorkflowSummary,
    )
    from conductor.client.http.models.skip_task_request import SkipTaskRequest
    from conductor.client.http.models.start_workflow_request import StartWorkflowRequest
    from conductor.client.http.models.workflow import Workflow
    from conductor.client.http.models.workflow_run import WorkflowRun
    from conductor.client.http.models.workflow_status import WorkflowStatus

_ID = ("workflow_id",)

_START_WORKFLOW: Operation[str] = Operation(
    "start_workflow", "POST", "/workflow", ("body",), body="body", returns="str", accept=TEXT,
)  # fmt: skip
_START_WORKFLOW1: Operation[str] = Operation(
    "start_workflow1", "POST", "/workflow/{name}", ("body", "name"),
    query=("version", "correlation_id", "priority"), body="body", returns="str", accept=TEXT,
)  # fmt: skip
_EXECUTE_WORKFLOW: Operation[WorkflowRun] = Operation(
    "execute_workflow", "POST", "/workflow/execute/{name}/{version}",
    ("body", "request_id", "name", "version"),
    query=("request_id", "wait_until_task_ref", "wait_for_seconds"),
    body="body", returns="WorkflowRun",
)  # fmt: skip
_GET_EXECUTION_STATUS: Operation[Workflow] = Operation(
    "get_execution_status", "GET", "/workflow/{workflow_id}", _ID,
    query=("include_tasks", "summarize"), returns="Workflow",
)  # fmt: skip
_GET_WORKFLOW_STATUS: Operation[WorkflowStatus] = Operation(
    "get_workflow_status", "GET", "/workflow/{workflow_id}/status", _ID,
    query=("include_output", "include_variables"), returns="WorkflowStatus",
)  # fmt: skip
_TERMINATE: Operation[None] = Operation(
    "terminate", "DELETE", "/workflow/{workflow_id}", _ID,
    query=("reason", "trigger_failure_workflow"),
)  # fmt: skip
_DELETE: Operation[None] = Operation(
    "delete", "DELETE", "/workflow/{workflow_id}/remove", _ID, query=("archive_workflow",),
)  # fmt: skip
_PAUSE_WORKFLOW: Operation[None] = Operation(
    "pause_workflow", "PUT", "/workflow/{workflow_id}/pause", _ID,
)  # fmt: skip
_RESUME_WORKFLOW: Operation[None] = Operation(
    "resume_workflow", "PUT", "/workflow/{workflow_id}/resume", _ID,
)  # fmt: skip
_RESTART: Operation[None] = Operation(
    "restart", "POST", "/workflow/{workflow_id}/restart", _ID, query=("use_latest_definitions",),
)  # fmt: skip
_RETRY: Operation[None] = Operation(
    "retry", "POST", "/workflow/{workflow_id}/retry", _ID,
    query=("resume_subworkflow_tasks", "retry_if_retried_by_parent"),
)  # fmt: skip
_RERUN: Operation[str] = Operation(
    "rerun", "POST", "/workflow/{workflow_id}/rerun", ("body", "workflow_id"),
    body="body", returns="str", accept=TEXT,
)  # fmt: skip
_RESET_WORKFLOW: Operation[None] = Operation(
    "reset_workflow", "POST", "/workflow/{workflow_id}/resetcallbacks", _ID,
)  # fmt: skip
_DECIDE: Operation[None] = Operation(
    "decide", "PUT", "/workflow/decide/{workflow_id}", _ID,
)  # fmt: skip
_SKIP_TASK_FROM_WORKFLOW: Operation[None] = Operation(
    "skip_task_from_workflow", "PUT", "/workflow/{workflow_id}/skiptask/{task_reference_name}",
    ("workflow_id", "task_reference_name"), body="skip_task_request",
)  # fmt: skip
_SEARCH: Operation[SearchResultWorkflowSummary] = Operation(
    "search", "GET", "/workflow/search",
    query=("start", "size", "sort", "free_text", "query"), returns="SearchResultWorkflowSummary",
)  # fmt: skip
_GET_RUNNING_WORKFLOW: Operation[list[str]] = Operation(
    "get_running_workflow", "GET", "/workflow/running/{name}", ("name",),
    query=("version", "start_time", "end_time"), returns="list[str]",
)  # fmt: skip
_GET_WORKFLOWS: Operation[dict[str, list[Workflow]]] = Operation(
    "get_workflows", "POST", "/workflow/{name}/correlated", ("body", "name"),
    query=("include_closed", "include_tasks"), body="body", returns="dict(str, list[Workflow])",
)  # fmt: skip
_GET_WORKFLOWS2: Operation[list[Workflow]] = Operation(
    "get_workflows2", "GET", "/workflow/{name}/correlated/{correlation_id}",
    ("name", "correlation_id"), query=("include_closed", "include_tasks"),
    returns="list[Workflow]",
)  # fmt: skip


class WorkflowResourceApi(ResourceApi):
    """Workflow execution endpoints.

    Same conventions as :class:`~conductor.client.http.api.task_resource_api.TaskResourceApi`.
    """

    def start_workflow(self, body: StartWorkflowRequest, **kwargs: Any) -> str:
        """Start a workflow described by ``body``; returns its id."""
        return self._call(_START_WORKFLOW, (body,), kwargs)

    start_workflow_with_http_info = http_info(_START_WORKFLOW)

    def start_workflow1(self, body: dict[str, Any], name: str, **kwargs: Any) -> str:
        """Start workflow ``name`` with input ``body`` (``version``, ``correlation_id``,
        ``priority``); returns its id."""
        return self._call(_START_WORKFLOW1, (body, name), kwargs)

    start_workflow1_with_http_info = http_info(_START_WORKFLOW1)

    def execute_workflow(
        self, body: StartWorkflowRequest, request_id: str, name: str, version: int, **kwargs: Any
    ) -> WorkflowRun:
        """Start a workflow and wait for it (``wait_until_task_ref``, ``wait_for_seconds``)."""
        return self._call(_EXECUTE_WORKFLOW, (body, request_id, name, version), kwargs)

    execute_workflow_with_http_info = http_info(_EXECUTE_WORKFLOW)

    def get_execution_status(self, workflow_id: str, **kwargs: Any) -> Workflow:
        """Return the workflow ``workflow_id`` (``include_tasks``: server default true)."""
        return self._call(_GET_EXECUTION_STATUS, (workflow_id,), kwargs)

    get_execution_status_with_http_info = http_info(_GET_EXECUTION_STATUS)

    def get_workflow_status(self, workflow_id: str, **kwargs: Any) -> WorkflowStatus:
        """Return the status summary of a workflow (``include_output``, ``include_variables``)."""
        return self._call(_GET_WORKFLOW_STATUS, (workflow_id,), kwargs)

    get_workflow_status_with_http_info = http_info(_GET_WORKFLOW_STATUS)
    get_workflow_status_summary = get_workflow_status
    get_workflow_status_summary_with_http_info = get_workflow_status_with_http_info

    def terminate(self, workflow_id: str, **kwargs: Any) -> None:
        """Terminate a running workflow (``reason``, ``trigger_failure_workflow``)."""
        return self._call(_TERMINATE, (workflow_id,), kwargs)

    terminate_with_http_info = http_info(_TERMINATE)
    terminate1_with_http_info = terminate_with_http_info

    def delete(self, workflow_id: str, **kwargs: Any) -> None:
        """Remove a workflow from the system (``archive_workflow``)."""
        return self._call(_DELETE, (workflow_id,), kwargs)

    delete_with_http_info = http_info(_DELETE)
    delete1_with_http_info = delete_with_http_info

    def pause_workflow(self, workflow_id: str, **kwargs: Any) -> None:
        """Pause a running workflow."""
        return self._call(_PAUSE_WORKFLOW, (workflow_id,), kwargs)

    pause_workflow_with_http_info = http_info(_PAUSE_WORKFLOW)

    def resume_workflow(self, workflow_id: str, **kwargs: Any) -> None:
        """Resume a paused workflow."""
        return self._call(_RESUME_WORKFLOW, (workflow_id,), kwargs)

    resume_workflow_with_http_info = http_info(_RESUME_WORKFLOW)

    def restart(self, workflow_id: str, **kwargs: Any) -> None:
        """Restart a finished workflow from the start (``use_latest_definitions``)."""
        return self._call(_RESTART, (workflow_id,), kwargs)

    restart_with_http_info = http_info(_RESTART)

    def retry(self, workflow_id: str, **kwargs: Any) -> None:
        """Retry the last failed task of a workflow (``resume_subworkflow_tasks``)."""
        return self._call(_RETRY, (workflow_id,), kwargs)

    retry_with_http_info = http_info(_RETRY)

    def rerun(self, body: RerunWorkflowRequest, workflow_id: str, **kwargs: Any) -> str:
        """Rerun a workflow from a given task; returns the workflow id."""
        return self._call(_RERUN, (body, workflow_id), kwargs)

    rerun_with_http_info = http_info(_RERUN)

    def reset_workflow(self, workflow_id: str, **kwargs: Any) -> None:
        """Reset the callback times of the workflow's pending SIMPLE tasks."""
        return self._call(_RESET_WORKFLOW, (workflow_id,), kwargs)

    reset_workflow_with_http_info = http_info(_RESET_WORKFLOW)

    def decide(self, workflow_id: str, **kwargs: Any) -> None:
        """Run the decider for a workflow."""
        return self._call(_DECIDE, (workflow_id,), kwargs)

    decide_with_http_info = http_info(_DECIDE)

    def skip_task_from_workflow(
        self,
        workflow_id: str,
        task_reference_name: str,
        skip_task_request: SkipTaskRequest | None = None,
        **kwargs: Any,
    ) -> None:
        """Skip the task ``task_reference_name`` of a running workflow."""
        kwargs["skip_task_request"] = skip_task_request
        return self._call(_SKIP_TASK_FROM_WORKFLOW, (workflow_id, task_reference_name), kwargs)

    skip_task_from_workflow_with_http_info = http_info(_SKIP_TASK_FROM_WORKFLOW)

    def search(self, **kwargs: Any) -> SearchResultWorkflowSummary:
        """Search workflows: ``start``, ``size``, ``sort``, ``free_text``, ``query``."""
        return self._call(_SEARCH, (), kwargs)

    search_with_http_info = http_info(_SEARCH)

    def get_running_workflow(self, name: str, **kwargs: Any) -> list[str]:
        """Return the ids of the running workflows named ``name``."""
        return self._call(_GET_RUNNING_WORKFLOW, (name,), kwargs)

    get_running_workflow_with_http_info = http_info(_GET_RUNNING_WORKFLOW)

    def get_workflows(self, body: list[str], name: str, **kwargs: Any) -> dict[str, list[Workflow]]:
        """Return the workflows named ``name`` for each correlation id in ``body``."""
        return self._call(_GET_WORKFLOWS, (body, name), kwargs)

    get_workflows_with_http_info = http_info(_GET_WORKFLOWS)

    def get_workflows2(self, name: str, correlation_id: str, **kwargs: Any) -> list[Workflow]:
        """Return the workflows named ``name`` with ``correlation_id``."""
        return self._call(_GET_WORKFLOWS2, (name, correlation_id), kwargs)

    get_workflows2_with_http_info = http_info(_GET_WORKFLOWS2)
