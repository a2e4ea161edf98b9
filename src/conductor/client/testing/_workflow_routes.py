"""Handlers of ``/api/token``, ``/api/metadata`` and ``/api/workflow`` (reference §2, §4)."""

from __future__ import annotations

import asyncio

from conductor.client.testing._auth import TokenAuth
from conductor.client.testing._errors import ApiError, server_error, validation_error
from conductor.client.testing._http import Request, Response
from conductor.client.testing._responses import (
    bool_param,
    empty_response,
    int_param,
    json_body,
    json_response,
    optional_int_param,
    required_param,
    text_response,
)
from conductor.client.testing._routing import Params, Route
from conductor.client.testing._workflow_api import MetadataApi, WorkflowApi

EXECUTE_WAIT_S = 10
EXECUTE_CHECK_S = 0.05


class WorkflowRoutes:
    """Token, metadata and workflow endpoints."""

    def __init__(self, metadata: MetadataApi, workflows: WorkflowApi, auth: TokenAuth | None):
        self._metadata = metadata
        self._workflows = workflows
        self._auth = auth

    def routes(self) -> list[Route]:
        """The route table of this group."""
        m, w = "metadata", "workflow"
        return [
            Route("POST", "/token", "token", self.token, public=True),
            Route("POST", "/metadata/taskdefs", m, self.register_task_defs),
            Route("PUT", "/metadata/taskdefs", m, self.update_task_def),
            Route("GET", "/metadata/taskdefs", m, self.task_defs),
            Route("GET", "/metadata/taskdefs/{taskType}", m, self.get_task_def),
            Route("DELETE", "/metadata/taskdefs/{taskType}", m, self.delete_task_def),
            Route("POST", "/metadata/workflow", m, self.create_workflow_def),
            Route("PUT", "/metadata/workflow", m, self.upsert_workflow_defs),
            Route("GET", "/metadata/workflow", m, self.workflow_defs),
            Route("GET", "/metadata/workflow/{name}", m, self.get_workflow_def),
            Route("DELETE", "/metadata/workflow/{name}/{version}", m, self.delete_workflow_def),
            Route("POST", "/workflow", w, self.start),
            Route("POST", "/workflow/{name}", w, self.start_by_name),
            Route("POST", "/workflow/execute/{name}/{version}", w, self.execute),
            Route("GET", "/workflow/{workflowId}", w, self.get),
            Route("GET", "/workflow/{workflowId}/status", w, self.status),
            Route("DELETE", "/workflow/{workflowId}", w, self.terminate),
            Route("DELETE", "/workflow/{workflowId}/remove", w, self.remove),
            Route("DELETE", "/workflow/{workflowId}/terminate-remove", w, self.terminate_remove),
            Route("PUT", "/workflow/{workflowId}/pause", w, self.pause),
            Route("PUT", "/workflow/{workflowId}/resume", w, self.resume),
            Route("POST", "/workflow/{workflowId}/restart", w, self.restart),
            Route("POST", "/workflow/{workflowId}/retry", w, self.retry),
            Route("POST", "/workflow/{workflowId}/resetcallbacks", w, self.reset_callbacks),
            Route("PUT", "/workflow/decide/{workflowId}", w, self.decide),
            Route("GET", "/workflow/running/{name}", w, self.running),
            Route("GET", "/workflow/{name}/correlated/{correlationId}", w, self.correlated),
            Route("POST", "/workflow/{name}/correlated", w, self.correlated_batch),
            Route("PUT", "/workflow/{workflowId}/skiptask/{taskReferenceName}", w, self.skip_task),
            Route("POST", "/workflow/{workflowId}/rerun", w, self.rerun),
        ]

    async def token(self, request: Request, params: Params) -> Response:
        """``POST /token``: 404 when auth is off, as on open-source Conductor."""
        if self._auth is None:
            raise ApiError(404, f"No static resource {request.path.lstrip('/')}.")
        return json_response({"token": self._auth.issue(json_body(request))})

    # -- metadata -------------------------------------------------------------------------------

    async def register_task_defs(self, request: Request, params: Params) -> Response:
        """Upsert a list of task definitions."""
        self._metadata.register_task_defs(json_body(request))
        return empty_response()

    async def update_task_def(self, request: Request, params: Params) -> Response:
        """Replace one registered task definition."""
        self._metadata.update_task_def(json_body(request))
        return empty_response()

    async def task_defs(self, request: Request, params: Params) -> Response:
        """Every task definition."""
        return json_response(self._metadata.task_defs())

    async def get_task_def(self, request: Request, params: Params) -> Response:
        """One task definition."""
        return json_response(self._metadata.get_task_def(params["taskType"]))

    async def delete_task_def(self, request: Request, params: Params) -> Response:
        """Unregister a task definition."""
        self._metadata.delete_task_def(params["taskType"])
        return empty_response()

    async def create_workflow_def(self, request: Request, params: Params) -> Response:
        """Register one workflow definition (409 if it exists, unless ``overwrite``)."""
        overwrite = bool_param(request, "overwrite", False)
        self._metadata.create_workflow_def(json_body(request), overwrite=overwrite)
        return empty_response()

    async def upsert_workflow_defs(self, request: Request, params: Params) -> Response:
        """Upsert a list of workflow definitions; a BulkResponse."""
        return json_response(self._metadata.upsert_workflow_defs(json_body(request)))

    async def workflow_defs(self, request: Request, params: Params) -> Response:
        """Every version of every workflow definition."""
        return json_response(self._metadata.workflow_defs())

    async def get_workflow_def(self, request: Request, params: Params) -> Response:
        """One workflow definition (latest version unless ``version``)."""
        version = optional_int_param(request, "version")
        return json_response(self._metadata.get_workflow_def(params["name"], version))

    async def delete_workflow_def(self, request: Request, params: Params) -> Response:
        """Unregister one version of a workflow definition."""
        version = _path_int(params["version"], "version")
        self._metadata.delete_workflow_def(params["name"], version)
        return empty_response()

    # -- workflows ------------------------------------------------------------------------------

    async def start(self, request: Request, params: Params) -> Response:
        """Start from a StartWorkflowRequest; the workflow id as text."""
        return text_response(self._workflows.start(json_body(request)))

    async def start_by_name(self, request: Request, params: Params) -> Response:
        """Start the named workflow with the body as input; the workflow id as text."""
        priority = int_param(request, "priority", 0)
        if not 0 <= priority <= 99:
            path = "startWorkflow.priority"
            raise validation_error([(path, "priority: ranges from 0 to 99", priority)])
        workflow_id = self._workflows.start_by_name(
            params["name"],
            json_body(request),
            version=optional_int_param(request, "version"),
            correlation_id=request.param("correlationId"),
            priority=priority,
        )
        return text_response(workflow_id)

    async def execute(self, request: Request, params: Params) -> Response:
        """Start, then wait for the end or for ``waitUntilTaskRef``; a WorkflowRun.

        Waits up to ``waitForSeconds`` (default 10), checking every 50 ms; the real server
        checks every 100 ms. Answers with the current state when the time is up.
        """
        body = json_body(request)
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise server_error("JSON parse error: a StartWorkflowRequest must be a JSON object")
        body = {**body, "name": params["name"], "version": _path_int(params["version"], "version")}
        request_id = required_param(request, "requestId")
        until_ref = request.param("waitUntilTaskRef")
        wait_s = max(0, int_param(request, "waitForSeconds", EXECUTE_WAIT_S))
        workflow_id = self._workflows.start(body)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        while True:
            done, run = self._workflows.run(workflow_id, request_id, until_ref)
            remaining = deadline - loop.time()
            if done or remaining <= 0 or request.peer_gone():
                return json_response(run)
            await asyncio.sleep(min(EXECUTE_CHECK_S, remaining))

    async def get(self, request: Request, params: Params) -> Response:
        """The workflow; its tasks unless ``includeTasks=false``."""
        include_tasks = bool_param(request, "includeTasks", True)
        return json_response(self._workflows.get(params["workflowId"], include_tasks=include_tasks))

    async def status(self, request: Request, params: Params) -> Response:
        """Id, correlation id and status (output/variables on request)."""
        summary = self._workflows.status(
            params["workflowId"],
            include_output=bool_param(request, "includeOutput", False),
            include_variables=bool_param(request, "includeVariables", False),
        )
        return json_response(summary)

    async def terminate(self, request: Request, params: Params) -> Response:
        """Terminate (409 on COMPLETED)."""
        self._workflows.terminate(params["workflowId"], request.param("reason"))
        return empty_response()

    async def remove(self, request: Request, params: Params) -> Response:
        """Delete the workflow and its tasks."""
        self._workflows.remove(params["workflowId"])
        return empty_response()

    async def terminate_remove(self, request: Request, params: Params) -> Response:
        """Terminate if running, then delete."""
        self._workflows.terminate_and_remove(params["workflowId"], request.param("reason"))
        return empty_response()

    async def pause(self, request: Request, params: Params) -> Response:
        """Pause: nothing new gets scheduled."""
        self._workflows.pause(params["workflowId"])
        return empty_response()

    async def resume(self, request: Request, params: Params) -> Response:
        """Resume a paused workflow."""
        self._workflows.resume(params["workflowId"])
        return empty_response()

    async def restart(self, request: Request, params: Params) -> Response:
        """Run a terminal workflow again from the start (204)."""
        use_latest = bool_param(request, "useLatestDefinitions", False)
        self._workflows.restart(params["workflowId"], use_latest_definitions=use_latest)
        return empty_response(204)

    async def retry(self, request: Request, params: Params) -> Response:
        """Retry the failed task of a failed workflow (204)."""
        self._workflows.retry(params["workflowId"])
        return empty_response(204)

    async def reset_callbacks(self, request: Request, params: Params) -> Response:
        """Make delayed tasks pollable now (204)."""
        self._workflows.reset_callbacks(params["workflowId"])
        return empty_response(204)

    async def decide(self, request: Request, params: Params) -> Response:
        """Run the decider on a workflow (normally not needed: every change decides)."""
        self._workflows.decide(params["workflowId"])
        return empty_response()

    async def running(self, request: Request, params: Params) -> Response:
        """Ids of the running workflows of a name and version (default 1)."""
        version = int_param(request, "version", 1)
        return json_response(self._workflows.running(params["name"], version))

    async def correlated(self, request: Request, params: Params) -> Response:
        """Workflows of a name sharing a correlation id."""
        found = self._workflows.correlated(
            params["name"],
            params["correlationId"],
            include_closed=bool_param(request, "includeClosed", False),
            include_tasks=bool_param(request, "includeTasks", False),
        )
        return json_response(found)

    async def correlated_batch(self, request: Request, params: Params) -> Response:
        """Workflows of a name per correlation id, for a JSON list of correlation ids."""
        found = self._workflows.correlated_batch(
            params["name"],
            json_body(request),
            include_closed=bool_param(request, "includeClosed", False),
            include_tasks=bool_param(request, "includeTasks", False),
        )
        return json_response(found)

    async def skip_task(self, request: Request, params: Params) -> Response:
        """Skip a task the workflow has not scheduled yet."""
        self._workflows.skip_task(
            params["workflowId"], params["taskReferenceName"], json_body(request)
        )
        return empty_response()

    async def rerun(self, request: Request, params: Params) -> Response:
        """Rerun a terminal workflow (from a task, or from the start); the id as text."""
        return text_response(self._workflows.rerun(params["workflowId"], json_body(request)))


def _path_int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ApiError(500, f"Invalid value for path variable '{name}': {value!r}") from None
