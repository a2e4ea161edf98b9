"""Register, start, wait for and control workflows through the server's REST API."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api.workflow_resource_api import WorkflowResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.rerun_workflow_request import RerunWorkflowRequest
from conductor.client.http.models.search_result_workflow_summary import SearchResultWorkflowSummary
from conductor.client.http.models.skip_task_request import SkipTaskRequest
from conductor.client.http.models.start_workflow_request import StartWorkflowRequest
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.workflow import Workflow
from conductor.client.http.models.workflow_def import WorkflowDef
from conductor.client.http.models.workflow_run import WorkflowRun
from conductor.client.http.models.workflow_status import WorkflowStatus
from conductor.client.http.rest import ApiException

logger = logging.getLogger(__name__)

_TERMINAL_STATUSES = frozenset({"COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"})
# Statuses with which a server answers a route it does not have.
_NO_ROUTE_STATUSES = frozenset({404, 405, 501})
_FIRST_POLL_DELAY_S = 0.05
_MAX_POLL_DELAY_S = 1.0


class WorkflowExecutor:
    """Register, start, wait for and control workflows.

    ``execute_workflow``/``execute`` use the server's synchronous endpoint
    (``POST /workflow/execute/{name}/{version}``) where it exists (the in-memory test server has
    it). A server without it (404/405/501, as open-source Conductor) gets the fallback: the
    executor starts the workflow and polls
    ``GET /workflow/{id}`` until it ends, reaches ``wait_until_task_ref``, or
    ``wait_for_seconds`` pass. Either way the result is a ``WorkflowRun``.
    """

    def __init__(self, configuration: Configuration) -> None:
        """Create the API clients (no connection is made until the first call).

        Args:
            configuration: Server URL, authentication and HTTP settings.
        """
        api_client = ApiClient(configuration)
        self.metadata_client = MetadataResourceApi(api_client)
        self.task_client = TaskResourceApi(api_client)
        self.workflow_client = WorkflowResourceApi(api_client)
        # None until the first synchronous execute tells whether the server has the endpoint.
        self._sync_execute_supported: bool | None = None

    # -- definitions -----------------------------------------------------------------------

    def register_workflow(self, workflow: WorkflowDef, overwrite: bool | None = None) -> object:
        """Create or update a workflow definition (``PUT /metadata/workflow`` with a list)."""
        return self.metadata_client.update1(body=[workflow], overwrite=overwrite)

    # -- starting and waiting --------------------------------------------------------------

    def start_workflow(self, start_workflow_request: StartWorkflowRequest) -> str:
        """Start a workflow and return its id."""
        return self.workflow_client.start_workflow(body=start_workflow_request)

    def start_workflows(self, *start_workflow_request: StartWorkflowRequest) -> list[str]:
        """Start several workflows, one request after the other; return their ids in order."""
        return [self.start_workflow(request) for request in start_workflow_request]

    def execute_workflow(
        self,
        request: StartWorkflowRequest,
        wait_until_task_ref: str | None,
        wait_for_seconds: int = 10,
        request_id: str | None = None,
    ) -> WorkflowRun:
        """Start a workflow and wait for it to finish.

        Args:
            request: What to start.
            wait_until_task_ref: Return once the task with this reference name is reached
                (empty or None: wait for the end of the workflow).
            wait_for_seconds: Return after this many seconds at most, even if still running.
            request_id: Caller-chosen id of this run (a UUID when None).

        Returns:
            The run; ``status`` tells whether the workflow finished within the wait.
        """
        if request_id is None:
            request_id = str(uuid.uuid4())
        wait_until_task_ref = wait_until_task_ref or None
        version = request.version
        probed_missing_route = False
        name = request.name
        if name is not None and version is not None and self._sync_execute_supported is not False:
            try:
                run: WorkflowRun = self.workflow_client.execute_workflow(
                    body=request,
                    request_id=request_id,
                    name=name,
                    version=version,
                    wait_until_task_ref=wait_until_task_ref,
                    wait_for_seconds=wait_for_seconds,
                )
            except ApiException as exc:
                if self._sync_execute_supported or exc.status not in _NO_ROUTE_STATUSES:
                    raise
                probed_missing_route = True
            else:
                self._sync_execute_supported = True
                return run
        workflow_id = self.start_workflow(request)
        if probed_missing_route:
            # The start worked, so the failed call was a missing route, not a missing workflow.
            logger.info(
                "the server has no synchronous execute endpoint; starting workflows and "
                "polling for their status instead"
            )
            self._sync_execute_supported = False
        return self._wait_for(workflow_id, request_id, wait_until_task_ref, wait_for_seconds)

    def execute(
        self,
        name: str,
        version: int | None = None,
        workflow_input: Any = None,
        wait_until_task_ref: str | None = None,
        wait_for_seconds: int = 10,
        request_id: str | None = None,
        correlation_id: str | None = None,
        domain: str | None = None,
    ) -> WorkflowRun:
        """Start the registered workflow ``name`` and wait for it (see :meth:`execute_workflow`).

        ``version`` None means the latest version. ``domain`` routes every task to that
        domain (``taskToDomain = {"*": domain}``).
        """
        request = StartWorkflowRequest(
            name=name,
            version=version,
            input=workflow_input if workflow_input is not None else {},
            correlation_id=correlation_id,
            task_to_domain={"*": domain} if domain is not None else None,
        )
        return self.execute_workflow(
            request,
            wait_until_task_ref=wait_until_task_ref,
            wait_for_seconds=wait_for_seconds,
            request_id=request_id,
        )

    def _wait_for(
        self,
        workflow_id: str,
        request_id: str,
        wait_until_task_ref: str | None,
        wait_for_seconds: float,
    ) -> WorkflowRun:
        """Poll the workflow until it ends, reaches the task, or the time is up."""
        deadline = time.monotonic() + wait_for_seconds
        delay = _FIRST_POLL_DELAY_S
        while True:
            workflow = self.get_workflow(workflow_id, include_tasks=True)
            remaining = deadline - time.monotonic()
            if _finished_waiting(workflow, wait_until_task_ref) or remaining <= 0:
                return _workflow_run(workflow, request_id)
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_POLL_DELAY_S)

    # -- reading ---------------------------------------------------------------------------

    def get_workflow(self, workflow_id: str, include_tasks: bool | None = None) -> Workflow:
        """Return the workflow execution ``workflow_id``."""
        return self.workflow_client.get_execution_status(workflow_id, include_tasks=include_tasks)

    def get_workflow_status(
        self,
        workflow_id: str,
        include_output: bool | None = None,
        include_variables: bool | None = None,
    ) -> WorkflowStatus:
        """Return the status (and optionally output and variables) of a workflow."""
        return self.workflow_client.get_workflow_status(
            workflow_id, include_output=include_output, include_variables=include_variables
        )

    def search(
        self,
        query_id: str | None = None,
        start: int | None = None,
        size: int | None = None,
        sort: str | None = None,
        free_text: str | None = None,
        query: str | None = None,
        skip_cache: bool | None = None,
    ) -> SearchResultWorkflowSummary:
        """Search workflow executions (``query_id`` and ``skip_cache`` are accepted, unused)."""
        return self.workflow_client.search(
            start=start, size=size, sort=sort, free_text=free_text, query=query
        )

    def get_by_correlation_ids(
        self,
        workflow_name: str,
        correlation_ids: list[str],
        include_closed: bool | None = None,
        include_tasks: bool | None = None,
    ) -> dict[str, list[Workflow]]:
        """Return the executions of ``workflow_name`` for each correlation id."""
        return self.workflow_client.get_workflows(
            body=correlation_ids,
            name=workflow_name,
            include_closed=include_closed,
            include_tasks=include_tasks,
        )

    def get_task(self, task_id: str) -> Task:
        """Return the task ``task_id``."""
        return self.task_client.get_task(task_id)

    # -- control ---------------------------------------------------------------------------

    def pause(self, workflow_id: str) -> None:
        """Pause the workflow: no new tasks are scheduled until it is resumed."""
        self.workflow_client.pause_workflow(workflow_id)

    def resume(self, workflow_id: str) -> None:
        """Resume a paused workflow."""
        self.workflow_client.resume_workflow(workflow_id)

    def terminate(
        self,
        workflow_id: str,
        reason: str | None = None,
        trigger_failure_workflow: bool | None = None,
    ) -> None:
        """Terminate a running workflow."""
        self.workflow_client.terminate(
            workflow_id, reason=reason, trigger_failure_workflow=trigger_failure_workflow
        )

    def restart(self, workflow_id: str, use_latest_definitions: bool | None = None) -> None:
        """Restart a finished workflow from the beginning."""
        self.workflow_client.restart(workflow_id, use_latest_definitions=use_latest_definitions)

    def retry(self, workflow_id: str, resume_subworkflow_tasks: bool | None = None) -> None:
        """Retry the last failed task of a workflow."""
        self.workflow_client.retry(workflow_id, resume_subworkflow_tasks=resume_subworkflow_tasks)

    def rerun(self, rerun_workflow_request: RerunWorkflowRequest, workflow_id: str) -> str:
        """Rerun a workflow from the task given in the request; return the workflow id."""
        return self.workflow_client.rerun(body=rerun_workflow_request, workflow_id=workflow_id)

    def skip_task_from_workflow(
        self,
        workflow_id: str,
        task_reference_name: str,
        skip_task_request: SkipTaskRequest | None = None,
    ) -> None:
        """Skip the task ``task_reference_name`` of a running workflow."""
        self.workflow_client.skip_task_from_workflow(
            workflow_id, task_reference_name, skip_task_request=skip_task_request
        )

    def remove_workflow(self, workflow_id: str, archive_workflow: bool | None = None) -> None:
        """Delete the workflow execution from the server."""
        self.workflow_client.delete(workflow_id, archive_workflow=archive_workflow)

    # -- completing tasks ------------------------------------------------------------------

    def update_task(
        self, task_id: str, workflow_id: str, task_output: dict[str, Any], status: str
    ) -> str:
        """Set the result of a task by id; return the task id."""
        result = TaskResult(
            workflow_instance_id=workflow_id,
            task_id=task_id,
            output_data=task_output,
            status=status,
        )
        return self.task_client.update_task(body=result)

    def update_task_by_ref_name(
        self, task_output: dict[str, Any], workflow_id: str, task_reference_name: str, status: str
    ) -> str | None:
        """Set the result of a workflow's pending task by reference name.

        Returns the task id, or None when the workflow has no pending task of that name.
        """
        return self.task_client.update_task1(
            body=task_output,
            workflow_id=workflow_id,
            task_ref_name=task_reference_name,
            status=status,
        )

    def update_task_by_ref_name_sync(
        self, task_output: dict[str, Any], workflow_id: str, task_reference_name: str, status: str
    ) -> Workflow:
        """Like :meth:`update_task_by_ref_name`, returning the workflow after the update."""
        return self.task_client.update_task_sync(
            body=task_output,
            workflow_id=workflow_id,
            task_ref_name=task_reference_name,
            status=status,
        )


def _finished_waiting(workflow: Workflow, wait_until_task_ref: str | None) -> bool:
    if workflow.status in _TERMINAL_STATUSES:
        return True
    if wait_until_task_ref is None:
        return False
    return any(task.reference_task_name == wait_until_task_ref for task in workflow.tasks or ())


def _workflow_run(workflow: Workflow, request_id: str) -> WorkflowRun:
    return WorkflowRun(
        correlation_id=workflow.correlation_id,
        create_time=workflow.create_time,
        created_by=workflow.created_by,
        input=workflow.input,
        output=workflow.output,
        priority=workflow.priority,
        request_id=request_id,
        status=workflow.status,
        tasks=workflow.tasks,
        update_time=workflow.update_time,
        variables=workflow.variables,
        workflow_id=workflow.workflow_id,
        reason_for_incompletion=workflow.reason_for_incompletion,
    )
