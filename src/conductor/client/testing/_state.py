"""The server's whole state, shared by the engine and the decider (always under ``lock``)."""

from __future__ import annotations

import heapq
import threading

from conductor.client.testing._metadata import MetadataStore
from conductor.client.testing._queues import TaskQueues
from conductor.client.testing._records import IN_PROGRESS, JsonDict, now_ms, queue_name


class State:
    """Tasks, workflows, queues, definitions, poll data and logs.

    ``wakeups`` collects the queues that received a message during the current operation; the
    engine hands them to its listener once the lock is released.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tasks: dict[str, JsonDict] = {}
        self.workflows: dict[str, JsonDict] = {}
        self.workflow_tasks: dict[str, list[str]] = {}
        self.queues = TaskQueues()
        self.metadata = MetadataStore()
        self.poll_data: dict[tuple[str, str], JsonDict] = {}
        self.logs: dict[str, list[JsonDict]] = {}
        self.wakeups: set[str] = set()
        # Response-timeout deadlines of IN_PROGRESS tasks: a heap plus the current deadline per
        # task, so a poll or a sweep only looks at the top.
        self._deadline_heap: list[tuple[int, str]] = []
        self._deadlines: dict[str, int] = {}

    # -- queues ---------------------------------------------------------------------------------

    def push(self, task: JsonDict, delay_s: float = 0.0) -> None:
        """Queue ``task`` in its ``domain:taskType`` queue after ``delay_s`` seconds."""
        name = queue_name(task["taskType"], task["domain"])
        self.queues.push(name, task["taskId"], delay_s)
        self.wakeups.add(name)

    def unqueue(self, task: JsonDict) -> None:
        """Remove the queue message of ``task``, if any."""
        self.queues.remove(queue_name(task["taskType"], task["domain"]), task["taskId"])

    # -- response timeouts ----------------------------------------------------------------------

    @staticmethod
    def response_deadline(task: JsonDict) -> int | None:
        """When an IN_PROGRESS task times out (epoch ms), or None if it cannot."""
        if task["status"] != IN_PROGRESS or task["responseTimeoutSeconds"] <= 0:
            return None
        budget_s = task["responseTimeoutSeconds"] + task["callbackAfterSeconds"]
        return int(task["updateTime"] + budget_s * 1000)

    def watch_deadline(self, task: JsonDict) -> None:
        """Track the response timeout of a task that has just been handed out."""
        deadline = self.response_deadline(task)
        if deadline is None:
            return
        self._deadlines[task["taskId"]] = deadline
        heapq.heappush(self._deadline_heap, (deadline, task["taskId"]))

    def expired_tasks(self) -> list[JsonDict]:
        """IN_PROGRESS tasks whose response timeout has passed (their deadlines are dropped)."""
        now = now_ms()
        heap, expired = self._deadline_heap, []
        while heap and heap[0][0] <= now:
            deadline, task_id = heapq.heappop(heap)
            if self._deadlines.get(task_id) != deadline:
                continue
            del self._deadlines[task_id]
            task = self.tasks.get(task_id)
            actual = None if task is None else self.response_deadline(task)
            if task is None or actual is None:
                continue
            if actual > now:  # the lease was extended: watch the new deadline
                self._deadlines[task_id] = actual
                heapq.heappush(heap, (actual, task_id))
            else:
                expired.append(task)
        return expired

    # -- lookups --------------------------------------------------------------------------------

    def workflow_task_records(self, workflow_id: str) -> list[JsonDict]:
        """The workflow's tasks in ``seq`` order."""
        tasks = self.tasks
        return [tasks[task_id] for task_id in self.workflow_tasks.get(workflow_id, ())]

    def task_def_for(self, name: str) -> JsonDict | None:
        """The registered TaskDef of ``name``, if any."""
        return self.metadata.task_defs.get(name)

    def recent_poller(self, task_type: str, domain: str, within_ms: int) -> bool:
        """Whether a worker polled ``domain`` for ``task_type`` within the last ``within_ms``."""
        record = self.poll_data.get((task_type, domain))
        return record is not None and now_ms() - record["lastPollTime"] <= within_ms
