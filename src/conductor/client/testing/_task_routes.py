"""Handlers of the task API (``/api/tasks``), reference §3."""

from __future__ import annotations

import asyncio

from conductor.client.testing._engine import Engine
from conductor.client.testing._errors import bad_request, not_found
from conductor.client.testing._http import Request, Response
from conductor.client.testing._longpoll import QueueWaiters
from conductor.client.testing._records import JsonDict
from conductor.client.testing._responses import (
    empty_response,
    int_param,
    json_body,
    json_response,
    required_param,
    task_response,
    tasks_response,
    text_response,
)
from conductor.client.testing._routing import Params, Route
from conductor.client.testing._workflow_api import WorkflowApi

SINGLE_POLL_WAIT_MS = 100
MAX_POLL_TIMEOUT_MS = 5000


class TaskRoutes:
    """``/api/tasks`` endpoints over the engine."""

    def __init__(self, engine: Engine, workflows: WorkflowApi, waiters: QueueWaiters) -> None:
        self._engine = engine
        self._workflows = workflows
        self._waiters = waiters

    def routes(self) -> list[Route]:
        """The route table of this group."""
        return [
            Route("GET", "/tasks/poll/{taskType}", "poll", self.poll),
            Route("GET", "/tasks/poll/batch/{taskType}", "batch_poll", self.batch_poll),
            Route("POST", "/tasks", "update_task", self.update),
            Route("POST", "/tasks/update-v2", "update_task_v2", self.update_v2),
            Route("POST", "/tasks/{workflowId}/{taskRefName}/{status}", "update_task_by_ref",
                  self.update_by_ref),
            Route("POST", "/tasks/{workflowId}/{taskRefName}/{status}/sync",
                  "update_task_by_ref", self.update_by_ref_sync),
            Route("POST", "/tasks/{taskId}/log", "add_task_log", self.add_log),
            Route("GET", "/tasks/{taskId}/log", "get_task_logs", self.get_logs),
            Route("GET", "/tasks/{taskId}", "get_task", self.get_task),
            Route("GET", "/tasks/queue/sizes", "queue_sizes", self.queue_sizes),
            Route("GET", "/tasks/queue/size", "queue_sizes", self.queue_size),
            Route("GET", "/tasks/queue/all", "queue_sizes", self.all_queues),
            Route("GET", "/tasks/queue/all/verbose", "queue_sizes", self.all_queues_verbose),
            Route("GET", "/tasks/queue/polldata", "poll_data", self.poll_data),
            Route("GET", "/tasks/queue/polldata/all", "poll_data", self.all_poll_data),
            Route("POST", "/tasks/queue/requeue/{taskType}", "requeue", self.requeue),
        ]  # fmt: skip

    # -- polling --------------------------------------------------------------------------------

    async def poll(self, request: Request, params: Params) -> Response:
        """Single poll: a batch of one with a fixed 100 ms wait; 204 when nothing came."""
        tasks = await self._long_poll(request, params["taskType"], 1, SINGLE_POLL_WAIT_MS)
        if tasks is None:
            return Response(0, drop=True)
        return task_response(tasks[0]) if tasks else empty_response(204)

    async def batch_poll(self, request: Request, params: Params) -> Response:
        """Batch long poll: up to ``count`` tasks, waiting ``timeout`` ms; ``[]`` if none."""
        count = int_param(request, "count", 1)
        timeout_ms = int_param(request, "timeout", 100)
        if timeout_ms > MAX_POLL_TIMEOUT_MS:
            raise bad_request("Long Poll Timeout value cannot be more than 5 seconds")
        if count < 1:
            return json_response([])
        tasks = await self._long_poll(request, params["taskType"], count, timeout_ms)
        if tasks is None:
            return Response(0, drop=True)
        return tasks_response(tasks)

    async def _long_poll(
        self, request: Request, task_type: str, count: int, timeout_ms: int
    ) -> list[JsonDict] | None:
        """Poll until a task is ready or time is up; None when the client went away."""
        worker_id, domain = request.param("workerid"), request.param("domain")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0, timeout_ms) / 1000.0
        while True:
            result = self._engine.poll(task_type, worker_id, domain, count)
            if result.tasks:
                return result.tasks
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            if result.seconds_until_ready is not None:
                remaining = min(remaining, result.seconds_until_ready + 0.001)
            await self._waiters.wait(result.queue, remaining)
            if request.peer_gone():
                return None  # don't hand tasks to a closed connection

    # -- updates --------------------------------------------------------------------------------

    async def update(self, request: Request, params: Params) -> Response:
        """``POST /tasks``: the taskId as text."""
        return text_response(self._engine.update_task(json_body(request)))

    async def update_v2(self, request: Request, params: Params) -> Response:
        """``POST /tasks/update-v2``: the next task of the same type and domain, or 204."""
        task = self._engine.update_task_v2(json_body(request))
        return task_response(task) if task is not None else empty_response(204)

    async def update_by_ref(self, request: Request, params: Params) -> Response:
        """Update the pending task with that reference name; empty 200 when there is none."""
        task = self._update_by_ref(request, params)
        return text_response(task["taskId"]) if task is not None else empty_response()

    async def update_by_ref_sync(self, request: Request, params: Params) -> Response:
        """Same as ``update_by_ref`` but answers with the workflow (tasks included)."""
        if self._update_by_ref(request, params) is None:
            raise not_found(
                f"Found no running task {params['taskRefName']} of workflow "
                f"{params['workflowId']} to update"
            )
        return json_response(self._workflows.get(params["workflowId"], include_tasks=True))

    def _update_by_ref(self, request: Request, params: Params) -> JsonDict | None:
        body = json_body(request)
        return self._engine.update_task_by_ref(
            params["workflowId"],
            params["taskRefName"],
            params["status"],
            {} if body is None else body,
            request.param("workerid"),
        )

    # -- reads ----------------------------------------------------------------------------------

    async def get_task(self, request: Request, params: Params) -> Response:
        """``GET /tasks/{taskId}``: 404 when unknown."""
        return task_response(self._engine.get_task(params["taskId"]))

    async def add_log(self, request: Request, params: Params) -> Response:
        """Store the whole body as one log line (the task is not checked)."""
        self._engine.add_log(params["taskId"], request.body.decode("utf-8", errors="replace"))
        return empty_response()

    async def get_logs(self, request: Request, params: Params) -> Response:
        """The task's logs, or 204 when there are none."""
        logs = self._engine.get_logs(params["taskId"])
        return json_response(logs) if logs else empty_response(204)

    async def queue_sizes(self, request: Request, params: Params) -> Response:
        """Sizes of the default-domain queues of the given types."""
        return json_response(self._engine.queue_sizes(request.query.get("taskType", [])))

    async def queue_size(self, request: Request, params: Params) -> Response:
        """Size of one queue (``taskType`` and optional ``domain``)."""
        task_type = required_param(request, "taskType")
        return json_response(self._engine.queue_size(task_type, request.param("domain")))

    async def all_queues(self, request: Request, params: Params) -> Response:
        """Every queue with its size."""
        return json_response(self._engine.all_queue_sizes())

    async def all_queues_verbose(self, request: Request, params: Params) -> Response:
        """Every queue, per shard (there is one shard, ``a``; nothing is ever unacked)."""
        sizes = self._engine.all_queue_sizes()
        return json_response(
            {name: {"a": {"size": size, "uacked": 0}} for name, size in sizes.items()}
        )

    async def poll_data(self, request: Request, params: Params) -> Response:
        """PollData of one task type."""
        return json_response(self._engine.poll_data(required_param(request, "taskType")))

    async def all_poll_data(self, request: Request, params: Params) -> Response:
        """Every PollData record."""
        return json_response(self._engine.poll_data())

    async def requeue(self, request: Request, params: Params) -> Response:
        """Re-push the pending tasks of a type; the count as text."""
        return text_response(str(self._engine.requeue(params["taskType"])))
