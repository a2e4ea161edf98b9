"""The engine: task lifecycle rules of the reference (§3, §6) over the shared state.

Pure Python and thread-safe: every public method takes the state lock, so test helpers may call
it from any thread while the HTTP layer calls it from its event loop. Methods return JSON-shaped
dicts (snapshots safe to serialise without the lock) or raise ``ApiError``.
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Callable

from conductor.client.testing._errors import not_found, server_error, validation_error
from conductor.client.testing._records import (
    IN_PROGRESS,
    LOGS_PER_UPDATE,
    REASON_MAX_CHARS,
    RESULT_STATUSES,
    SCHEDULED,
    TERMINAL_TASK_STATUSES,
    TERMINAL_WORKFLOW_STATUSES,
    TIMED_OUT,
    JsonDict,
    now_ms,
    queue_name,
    render_task,
)
from conductor.client.testing._state import State
from conductor.client.testing._workflows import Decider

ENQUEUE_WORKFLOW_NAME = "enqueued_task"
POSTPONE_SECONDS = 60.0
_LOOP_SUFFIX = re.compile(r"__\d+$")


class PollResult:
    """Tasks handed out by one poll, and when the queue's next message becomes pollable."""

    __slots__ = ("queue", "seconds_until_ready", "tasks")

    def __init__(self, queue: str, tasks: list[JsonDict], seconds_until_ready: float | None):
        self.queue = queue
        self.tasks = tasks
        self.seconds_until_ready = seconds_until_ready


class Engine:
    """In-memory Conductor: queues, tasks, workflows and definitions behind one lock."""

    def __init__(self) -> None:
        self._state = State()
        self._decider = Decider(self._state)
        self._listener: Callable[[str], None] = _ignore

    def set_listener(self, listener: Callable[[str], None] | None) -> None:
        """Call ``listener(queue_name)`` (outside the lock) whenever a queue gets a message."""
        self._listener = listener or _ignore

    @contextlib.contextmanager
    def _locked(self) -> Iterator[State]:
        state = self._state
        state.lock.acquire()
        try:
            yield state
        finally:
            wakeups = state.wakeups
            state.wakeups = set()
            state.lock.release()
            for name in wakeups:
                self._listener(name)

    # -- polling --------------------------------------------------------------------------------

    def poll(
        self, task_type: str, worker_id: str | None, domain: str | None, count: int
    ) -> PollResult:
        """Hand out up to ``count`` ready tasks of ``domain:task_type`` (reference §6, Poll)."""
        with self._locked() as state:
            self._expire_response_timeouts()
            return self._poll(state, task_type, worker_id, domain, count)

    def _poll(
        self, state: State, task_type: str, worker_id: str | None, domain: str | None, count: int
    ) -> PollResult:
        now = now_ms()
        state.poll_data[(task_type, "DEFAULT" if domain is None else domain)] = {
            "queueName": task_type,
            "domain": domain,
            "workerId": worker_id,
            "lastPollTime": now,
        }
        name = queue_name(task_type, domain)
        handed: list[JsonDict] = []
        while len(handed) < count:
            task_id = state.queues.pop(name)
            if task_id is None:
                break
            task = state.tasks.get(task_id)
            if task is None or task["status"] in TERMINAL_TASK_STATUSES:
                continue
            if self._at_concurrency_limit(state, task):
                state.queues.push(name, task_id, POSTPONE_SECONDS)
                continue
            task.update(status=IN_PROGRESS, callbackAfterSeconds=0, workerId=worker_id)
            task["pollCount"] += 1
            task["updateTime"] = now
            if task["startTime"] == 0:
                task["startTime"] = now
            state.watch_deadline(task)
            handed.append(render_task(task, now))
        wait = None if handed else state.queues.seconds_until_ready(name)
        return PollResult(name, handed, wait)

    @staticmethod
    def _at_concurrency_limit(state: State, task: JsonDict) -> bool:
        task_def = task["workflowTask"].get("taskDefinition") or {}
        limit = task_def.get("concurrentExecLimit")
        if not limit or limit <= 0:
            return False
        name = task["taskDefName"]
        running = sum(
            1
            for t in state.tasks.values()
            if t["status"] == IN_PROGRESS and t["taskDefName"] == name
        )
        return bool(running >= limit)

    # -- updates --------------------------------------------------------------------------------

    def update_task(self, body: Any) -> str:
        """``POST /tasks``: apply a TaskResult and return its taskId."""
        result = _parse_task_result(body, strict_ids=True)
        with self._locked():
            self._apply(result)
        return str(result["taskId"])

    def update_task_v2(self, body: Any) -> JsonDict | None:
        """``POST /tasks/update-v2``: apply, then poll once for the same type and domain."""
        result = _parse_task_result(body, strict_ids=False)
        with self._locked() as state:
            task = self._apply(result)
            if result["extendLease"] or task["status"] not in TERMINAL_TASK_STATUSES:
                return None
            polled = self._poll(state, task["taskType"], result["workerId"], task["domain"], 1)
            return polled.tasks[0] if polled.tasks else None

    def _apply(self, result: JsonDict) -> JsonDict:
        """The update rules of reference §6; returns the task record (lock held)."""
        state = self._state
        task_id, workflow_id = result["taskId"], result["workflowInstanceId"]
        if result["extendLease"]:
            task = state.tasks.get(task_id)
            if task is None:
                raise not_found(f"No such task found by id: {task_id}")
            if task["status"] not in TERMINAL_TASK_STATUSES:
                task["updateTime"] = now_ms()
            return task
        workflow = state.workflows.get(workflow_id)
        if workflow is None:
            raise not_found(f"No such workflow found by id: {workflow_id}")
        task = state.tasks.get(task_id)
        if task is None:
            raise not_found(f"No such task found by id: {task_id}")
        if (
            task["status"] in TERMINAL_TASK_STATUSES
            or workflow["status"] in TERMINAL_WORKFLOW_STATUSES
        ):
            state.unqueue(task)
            return task
        self._write_result(state, task, result)
        workflow["updateTime"] = now_ms()
        if task["status"] in TERMINAL_TASK_STATUSES:
            self._decider.decide(workflow)
        return task

    @staticmethod
    def _write_result(state: State, task: JsonDict, result: JsonDict) -> None:
        now = now_ms()
        status = result["status"]
        task.update(
            outputData=result["outputData"],
            reasonForIncompletion=result["reasonForIncompletion"],
            workerId=result["workerId"],
            callbackAfterSeconds=result["callbackAfterSeconds"],
            subWorkflowId=result["subWorkflowId"],
        )
        if result["externalOutputPayloadStoragePath"]:
            task["externalOutputPayloadStoragePath"] = result["externalOutputPayloadStoragePath"]
        if status == IN_PROGRESS:
            task["status"] = SCHEDULED
            task["updateTime"] = now
            state.push(task, float(result["callbackAfterSeconds"]))
        else:
            task["status"] = status
            if status in TERMINAL_TASK_STATUSES:
                task["endTime"] = now
                if task["updateTime"] == 0:
                    task["updateTime"] = now
                state.unqueue(task)
            else:
                task["updateTime"] = now
        logs = result["logs"]
        if logs:
            entries = [
                _log_entry(entry, task["taskId"])
                for entry in logs[:LOGS_PER_UPDATE]
                if isinstance(entry, dict)
            ]
            state.logs.setdefault(task["taskId"], []).extend(entries)

    def update_task_by_ref(
        self,
        workflow_id: str,
        ref_name: str,
        status: str,
        output: Any,
        worker_id: str | None,
    ) -> JsonDict | None:
        """``POST /tasks/{workflowId}/{ref}/{status}``: merge output into the pending task."""
        if status not in RESULT_STATUSES:
            raise server_error(f"No enum constant TaskResult.Status.{status}")
        if not isinstance(output, dict):
            raise server_error("JSON parse error: the task output must be a JSON object")
        with self._locked() as state:
            if workflow_id not in state.workflows:
                raise not_found(f"No such workflow found by id: {workflow_id}")
            task = self._pending_by_ref(workflow_id, ref_name)
            if task is None:
                return None
            self._apply(
                {
                    "taskId": task["taskId"],
                    "workflowInstanceId": workflow_id,
                    "status": status,
                    "outputData": {**task["outputData"], **output},
                    "reasonForIncompletion": task["reasonForIncompletion"],
                    "workerId": worker_id if worker_id and worker_id.strip() else task["workerId"],
                    "callbackAfterSeconds": task["callbackAfterSeconds"],
                    "subWorkflowId": task["subWorkflowId"],
                    "externalOutputPayloadStoragePath": None,
                    "extendLease": False,
                    "logs": None,
                }
            )
            return render_task(task, now_ms())

    def _pending_by_ref(self, workflow_id: str, ref_name: str) -> JsonDict | None:
        pending = list(self._decider.pending_tasks(workflow_id))
        for task in pending:
            if task["referenceTaskName"] == ref_name:
                return task
        plain = _LOOP_SUFFIX.sub("", ref_name)
        for task in pending:
            if _LOOP_SUFFIX.sub("", task["referenceTaskName"]) == plain:
                return task
        return None

    # -- timeouts -------------------------------------------------------------------------------

    def sweep(self) -> None:
        """Time out IN_PROGRESS tasks past their response timeout (also done lazily on reads)."""
        with self._locked():
            self._expire_response_timeouts()

    def _expire_response_timeouts(self) -> None:
        state = self._state
        for task in state.expired_tasks():
            seconds = task["responseTimeoutSeconds"]
            task.update(
                status=TIMED_OUT,
                endTime=now_ms(),
                reasonForIncompletion=(
                    f"responseTimeout: {seconds} exceeded for the taskId: {task['taskId']} "
                    "with Task Status: IN_PROGRESS"
                ),
            )
            state.unqueue(task)
            workflow = state.workflows.get(task["workflowInstanceId"])
            if workflow is not None:
                self._decider.decide(workflow)

    # -- reads ----------------------------------------------------------------------------------

    def get_task(self, task_id: str) -> JsonDict:
        """``GET /tasks/{taskId}``."""
        with self._locked() as state:
            self._expire_response_timeouts()
            task = state.tasks.get(task_id)
            if task is None:
                raise not_found(f"Task not found for taskId: {task_id}")
            return render_task(task, now_ms())

    def tasks_where(self, predicate: Callable[[JsonDict], bool]) -> list[JsonDict]:
        """Rendered tasks (deep copies) matching ``predicate``, oldest first."""
        with self._locked() as state:
            self._expire_response_timeouts()
            now = now_ms()
            found = [render_task(t, now) for t in state.tasks.values() if predicate(t)]
        # Nested values are replaced, never mutated, so copying outside the lock is safe.
        return copy.deepcopy(found)

    def add_log(self, task_id: str, text: str) -> None:
        """``POST /tasks/{taskId}/log``: store the whole body as one log line."""
        with self._locked() as state:
            entry = {"log": text, "taskId": task_id, "createdTime": now_ms()}
            state.logs.setdefault(task_id, []).append(entry)

    def get_logs(self, task_id: str) -> list[JsonDict]:
        """Logs of a task (empty when none)."""
        with self._locked() as state:
            return [dict(entry) for entry in state.logs.get(task_id, ())]

    def queue_sizes(self, task_types: Iterable[str]) -> dict[str, int]:
        """``GET /tasks/queue/sizes``: the default-domain queue of each type."""
        with self._locked() as state:
            return {name: state.queues.size(name) for name in task_types}

    def queue_size(self, task_type: str, domain: str | None) -> int:
        """``GET /tasks/queue/size``."""
        with self._locked() as state:
            return state.queues.size(queue_name(task_type, domain))

    def all_queue_sizes(self) -> dict[str, int]:
        """``GET /tasks/queue/all``."""
        with self._locked() as state:
            return dict(state.queues.sizes())

    def poll_data(self, task_type: str | None = None) -> list[JsonDict]:
        """PollData records, for one type or all."""
        with self._locked() as state:
            return [
                {key: value for key, value in record.items() if value is not None}
                for (name, _), record in state.poll_data.items()
                if task_type is None or name == task_type
            ]

    def requeue(self, task_type: str) -> int:
        """Re-push every pending task of ``task_type``, keeping the remaining callback delay."""
        with self._locked() as state:
            count, now = 0, now_ms()
            for task in state.tasks.values():
                if task["taskType"] != task_type or task["status"] in TERMINAL_TASK_STATUSES:
                    continue
                elapsed_s = (now - task["updateTime"]) / 1000.0 if task["updateTime"] else 0.0
                state.unqueue(task)
                state.push(task, max(0.0, task["callbackAfterSeconds"] - elapsed_s))
                count += 1
            return count

    # -- helpers for tests ----------------------------------------------------------------------

    def enqueue_task(
        self,
        task_type: str,
        input_data: Mapping[str, Any] | None,
        *,
        domain: str | None,
        task_def_overrides: Mapping[str, Any],
        retry_count: int | None,
        start_delay_seconds: int,
        correlation_id: str | None,
        priority: int,
    ) -> str:
        """Schedule one task inside a synthetic one-task workflow; returns the task id."""
        workflow_task: JsonDict = {
            "name": task_type,
            "taskReferenceName": task_type,
            "type": "SIMPLE",
            "inputParameters": copy.deepcopy(dict(input_data or {})),
            "startDelay": start_delay_seconds,
            "optional": False,
        }
        if retry_count is not None:
            workflow_task["retryCount"] = retry_count
        definition: JsonDict = {
            "name": ENQUEUE_WORKFLOW_NAME,
            "version": 1,
            "tasks": [workflow_task],
        }
        with self._locked() as state:
            definition = self._decider.with_task_definitions(definition)
            first_task = definition["tasks"][0]
            first_task["taskDefinition"] = {**first_task["taskDefinition"], **task_def_overrides}
            workflow = self._decider.start(
                definition,
                workflow_input=copy.deepcopy(dict(input_data or {})),
                correlation_id=correlation_id,
                priority=priority,
                direct_domain=domain,
            )
            return str(state.workflow_tasks[workflow["workflowId"]][0])

    # -- for the workflow and metadata facade (_workflow_api) ----------------------------------

    @property
    def decider(self) -> Decider:
        """The decider bound to this engine's state."""
        return self._decider

    def locked(self) -> contextlib.AbstractContextManager[State]:
        """Hold the lock (and flush queue wake-ups on exit) around several operations."""
        return self._locked()

    def expire_response_timeouts(self) -> None:
        """Lazy timeout check for callers that already hold the lock."""
        self._expire_response_timeouts()


def _log_entry(entry: JsonDict, task_id: str) -> JsonDict:
    """A TaskExecLog as the server stores it: ``createdTime`` is 0 when the worker sent none."""
    created = entry.get("createdTime")
    if isinstance(created, bool) or not isinstance(created, (int, float)):
        created = 0
    stored: JsonDict = {"taskId": task_id, "createdTime": int(created)}
    if entry.get("log") is not None:
        stored["log"] = entry["log"]
    return stored


def _ignore(_queue: str) -> None:
    """Default queue listener: nobody is waiting."""


def _parse_task_result(body: Any, *, strict_ids: bool) -> JsonDict:
    """Validate a TaskResult body; 400 for missing ids on ``/tasks``, 500 for bad values."""
    if not isinstance(body, dict):
        raise server_error("JSON parse error: a TaskResult must be a JSON object")
    task_id, workflow_id = body.get("taskId"), body.get("workflowInstanceId")
    problems = []
    if not isinstance(workflow_id, str) or not workflow_id:
        path = "updateTask.taskResult.workflowInstanceId"
        problems.append((path, "Workflow Id cannot be null or empty", workflow_id))
    if not isinstance(task_id, str) or not task_id:
        problems.append(
            ("updateTask.taskResult.taskId", "Task ID cannot be null or empty", task_id)
        )
    if problems:
        if strict_ids:
            raise validation_error(problems)
        raise server_error(problems[0][1])
    status = body.get("status")
    extend_lease = bool(body.get("extendLease"))
    if status is not None and status not in RESULT_STATUSES:
        raise server_error(f"JSON parse error: no enum constant TaskResult.Status.{status}")
    if status is None and not extend_lease:
        raise server_error("TaskResult status cannot be null")
    output = body.get("outputData")
    if output is None:
        output = {}
    if not isinstance(output, dict):
        raise server_error("JSON parse error: outputData must be a JSON object")
    logs = body.get("logs")
    if logs is not None and not isinstance(logs, list):
        raise server_error("JSON parse error: logs must be a JSON array")
    return {
        "taskId": task_id,
        "workflowInstanceId": workflow_id,
        "status": status,
        "outputData": output,
        "reasonForIncompletion": _reason(body.get("reasonForIncompletion")),
        "callbackAfterSeconds": _seconds(body.get("callbackAfterSeconds")),
        "workerId": body.get("workerId"),
        "logs": logs,
        "externalOutputPayloadStoragePath": body.get("externalOutputPayloadStoragePath"),
        "subWorkflowId": body.get("subWorkflowId"),
        "extendLease": extend_lease,
    }


def _reason(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)[:REASON_MAX_CHARS]


def _seconds(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise server_error(
            f"JSON parse error: callbackAfterSeconds must be a number, got {value!r}"
        )
    return max(0, int(value))
