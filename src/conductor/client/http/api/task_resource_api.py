"""Task endpoints (``/tasks``): poll, update, logs, queues."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from conductor.client.http.api._operation import TEXT, Operation, ResourceApi, http_info

if TYPE_CHECKING:
    from conductor.client.http.models.external_storage_location import ExternalStorageLocation
    from conductor.client.http.models.poll_data import PollData
    from conductor.client.http.models.search_result_task import SearchResultTask
    from conductor.client.http.models.search_result_task_summary import SearchResultTaskSummary
    from conductor.client.http.models.task import Task
    from conductor.client.http.models.task_exec_log import TaskExecLog
    from conductor.client.http.models.task_result import TaskResult
    from conductor.client.http.models.workflow import Workflow

_HOSTNAME = {"workerid": socket.gethostname}
_SEARCH = ("start", "size", "sort", "free_text", "query")

_POLL: Operation[Task | None] = Operation(
    "poll", "GET", "/tasks/poll/{tasktype}", ("tasktype",),
    query=("workerid", "domain"), returns="Task",
)  # fmt: skip
_BATCH_POLL: Operation[list[Task]] = Operation(
    "batch_poll", "GET", "/tasks/poll/batch/{tasktype}", ("tasktype",),
    query=("workerid", "domain", "count", "timeout"), returns="list[Task]", empty=list,
)  # fmt: skip
_UPDATE_TASK: Operation[str] = Operation(
    "update_task", "POST", "/tasks", ("body",), body="body", returns="str", accept=TEXT,
)  # fmt: skip
# Public to the runtime, which also awaits it natively on an event loop.
UPDATE_TASK_V2: Operation[Task | None] = Operation(
    "update_task_v2", "POST", "/tasks/update-v2", ("body",), body="body", returns="Task",
)  # fmt: skip
_UPDATE_TASK1: Operation[str | None] = Operation(
    "update_task1", "POST", "/tasks/{workflow_id}/{task_ref_name}/{status}",
    ("body", "workflow_id", "task_ref_name", "status"),
    query=("workerid",), body="body", returns="str", accept=TEXT, defaults=_HOSTNAME,
)  # fmt: skip
_UPDATE_TASK_SYNC: Operation[Workflow] = Operation(
    "update_task_sync", "POST", "/tasks/{workflow_id}/{task_ref_name}/{status}/sync",
    ("body", "workflow_id", "task_ref_name", "status"),
    query=("workerid",), body="body", returns="Workflow", defaults=_HOSTNAME,
)  # fmt: skip
_GET_TASK: Operation[Task] = Operation(
    "get_task", "GET", "/tasks/{task_id}", ("task_id",), returns="Task",
)  # fmt: skip
_LOG: Operation[None] = Operation(
    "log", "POST", "/tasks/{task_id}/log", ("body", "task_id"), body="body",
    content_type="text/plain; charset=utf-8",
)  # fmt: skip
_GET_TASK_LOGS: Operation[list[TaskExecLog]] = Operation(
    "get_task_logs", "GET", "/tasks/{task_id}/log", ("task_id",),
    returns="list[TaskExecLog]", empty=list,
)  # fmt: skip
_SIZE: Operation[dict[str, int]] = Operation(
    "size", "GET", "/tasks/queue/sizes",
    query=("task_type",), multi=("task_type",), returns="dict(str, int)",
)  # fmt: skip
_GET_ALL_POLL_DATA: Operation[list[PollData]] = Operation(
    "get_all_poll_data", "GET", "/tasks/queue/polldata/all", returns="list[PollData]",
)  # fmt: skip
_GET_POLL_DATA: Operation[list[PollData]] = Operation(
    "get_poll_data", "GET", "/tasks/queue/polldata", ("task_type",),
    query=("task_type",), returns="list[PollData]",
)  # fmt: skip
_REQUEUE_PENDING_TASK: Operation[str] = Operation(
    "requeue_pending_task", "POST", "/tasks/queue/requeue/{task_type}", ("task_type",),
    returns="str", accept=TEXT,
)  # fmt: skip
_ALL: Operation[dict[str, int]] = Operation(
    "all", "GET", "/tasks/queue/all", returns="dict(str, int)",
)  # fmt: skip
_ALL_VERBOSE: Operation[dict[str, dict[str, dict[str, int]]]] = Operation(
    "all_verbose", "GET", "/tasks/queue/all/verbose",
    returns="dict(str, dict(str, dict(str, int)))",
)  # fmt: skip
_SEARCH1: Operation[SearchResultTaskSummary] = Operation(
    "search1", "GET", "/tasks/search", query=_SEARCH, returns="SearchResultTaskSummary",
)  # fmt: skip
_SEARCH_V21: Operation[SearchResultTask] = Operation(
    "search_v21", "GET", "/tasks/search-v2", query=_SEARCH, returns="SearchResultTask",
)  # fmt: skip
_GET_EXTERNAL_STORAGE_LOCATION1: Operation[ExternalStorageLocation] = Operation(
    "get_external_storage_location1", "GET", "/tasks/externalstoragelocation",
    ("path", "operation", "payload_type"), query=("path", "operation", "payload_type"),
    returns="ExternalStorageLocation",
)  # fmt: skip


class TaskResourceApi(ResourceApi):
    """Worker-facing task endpoints.

    Every method also accepts ``async_req``, ``_return_http_data_only``,
    ``_preload_content`` and ``_request_timeout`` (seconds, or ``(connect, read)``, for
    this call); unknown keywords raise ``TypeError``, a missing required argument
    ``ValueError``. Each has a ``<name>_with_http_info`` twin returning
    ``(data, status, headers)``.
    """

    def poll(self, tasktype: str, **kwargs: Any) -> Task | None:
        """Poll for one task of ``tasktype``.

        Args:
            tasktype: Task type (task definition name).
            **kwargs: ``workerid``, ``domain``.

        Returns:
            The task, now IN_PROGRESS for this worker; None when the queue is empty (204).
        """
        return self._call(_POLL, (tasktype,), kwargs)

    poll_with_http_info = http_info(_POLL)

    def batch_poll(self, tasktype: str, **kwargs: Any) -> list[Task]:
        """Poll for up to ``count`` tasks of ``tasktype``, waiting up to ``timeout`` ms.

        Args:
            tasktype: Task type (task definition name).
            **kwargs: ``workerid``, ``domain``, ``count`` (1), ``timeout`` (long-poll wait in
                ms, at most 5000; server default 100).

        Returns:
            The tasks; empty when none came (``[]`` or 204).
        """
        return self._call(_BATCH_POLL, (tasktype,), kwargs)

    batch_poll_with_http_info = http_info(_BATCH_POLL)

    def update_task(self, body: TaskResult, **kwargs: Any) -> str:
        """Report a task result (``POST /tasks``).

        Returns:
            The task id, as the server echoes it.
        """
        return self._call(_UPDATE_TASK, (body,), kwargs)

    update_task_with_http_info = http_info(_UPDATE_TASK)

    def update_task_v2(self, body: TaskResult, **kwargs: Any) -> Task | None:
        """Report a task result and get the next task of the same type.

        Returns:
            The next task (already polled for ``body.worker_id``), or None (204).
        """
        return self._call(UPDATE_TASK_V2, (body,), kwargs)

    update_task_v2_with_http_info = http_info(UPDATE_TASK_V2)

    def update_task1(
        self, body: dict[str, Any], workflow_id: str, task_ref_name: str, status: str, **kwargs: Any
    ) -> str | None:
        """Complete the pending task ``task_ref_name`` of a workflow; ``body`` is its output.

        Args:
            body: Output, merged into the task's output.
            workflow_id: Workflow instance id.
            task_ref_name: Reference name of the task in the workflow.
            status: A ``TaskResultStatus`` name.
            **kwargs: ``workerid`` (defaults to this host's name).

        Returns:
            The task id; None when no pending task matched (empty answer).
        """
        return self._call(_UPDATE_TASK1, (body, workflow_id, task_ref_name, status), kwargs)

    update_task1_with_http_info = http_info(_UPDATE_TASK1)

    def update_task_sync(
        self, body: dict[str, Any], workflow_id: str, task_ref_name: str, status: str, **kwargs: Any
    ) -> Workflow:
        """Like :meth:`update_task1`, returning the workflow after the update."""
        return self._call(_UPDATE_TASK_SYNC, (body, workflow_id, task_ref_name, status), kwargs)

    update_task_sync_with_http_info = http_info(_UPDATE_TASK_SYNC)

    def get_task(self, task_id: str, **kwargs: Any) -> Task:
        """Return the task ``task_id`` (404 ``ApiException`` when unknown)."""
        return self._call(_GET_TASK, (task_id,), kwargs)

    get_task_with_http_info = http_info(_GET_TASK)

    def log(self, body: str, task_id: str, **kwargs: Any) -> None:
        """Append ``body`` as one log line of the task ``task_id``."""
        return self._call(_LOG, (body, task_id), kwargs)

    log_with_http_info = http_info(_LOG)

    def get_task_logs(self, task_id: str, **kwargs: Any) -> list[TaskExecLog]:
        """Return the log lines of the task ``task_id`` (empty when there are none)."""
        return self._call(_GET_TASK_LOGS, (task_id,), kwargs)

    get_task_logs_with_http_info = http_info(_GET_TASK_LOGS)

    def size(self, **kwargs: Any) -> dict[str, int]:
        """Return queue sizes by task type; ``task_type`` takes a list of types."""
        return self._call(_SIZE, (), kwargs)

    size_with_http_info = http_info(_SIZE)

    def get_all_poll_data(self, **kwargs: Any) -> list[PollData]:
        """Return the last poll of every queue."""
        return self._call(_GET_ALL_POLL_DATA, (), kwargs)

    get_all_poll_data_with_http_info = http_info(_GET_ALL_POLL_DATA)

    def get_poll_data(self, task_type: str, **kwargs: Any) -> list[PollData]:
        """Return the last polls of ``task_type`` (one per domain)."""
        return self._call(_GET_POLL_DATA, (task_type,), kwargs)

    get_poll_data_with_http_info = http_info(_GET_POLL_DATA)

    def requeue_pending_task(self, task_type: str, **kwargs: Any) -> str:
        """Requeue the pending tasks of ``task_type``; returns how many (as text)."""
        return self._call(_REQUEUE_PENDING_TASK, (task_type,), kwargs)

    requeue_pending_task_with_http_info = http_info(_REQUEUE_PENDING_TASK)

    def all(self, **kwargs: Any) -> dict[str, int]:
        """Return the size of every queue."""
        return self._call(_ALL, (), kwargs)

    all_with_http_info = http_info(_ALL)

    def all_verbose(self, **kwargs: Any) -> dict[str, dict[str, dict[str, int]]]:
        """Return every queue's size and unacked count by shard."""
        return self._call(_ALL_VERBOSE, (), kwargs)

    all_verbose_with_http_info = http_info(_ALL_VERBOSE)

    def search1(self, **kwargs: Any) -> SearchResultTaskSummary:
        """Search tasks: ``start``, ``size``, ``sort``, ``free_text``, ``query``."""
        return self._call(_SEARCH1, (), kwargs)

    search1_with_http_info = http_info(_SEARCH1)

    def search_v21(self, **kwargs: Any) -> SearchResultTask:
        """Search tasks, returning full tasks; same keywords as :meth:`search1`."""
        return self._call(_SEARCH_V21, (), kwargs)

    search_v21_with_http_info = http_info(_SEARCH_V21)

    def get_external_storage_location1(
        self, path: str, operation: str, payload_type: str, **kwargs: Any
    ) -> ExternalStorageLocation:
        """Return where to read or write an external payload."""
        return self._call(_GET_EXTERNAL_STORAGE_LOCATION1, (path, operation, payload_type), kwargs)

    get_external_storage_location1_with_http_info = http_info(_GET_EXTERNAL_STORAGE_LOCATION1)
