"""A workflow run, the workflow status names, and the status checks shared by workflow models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from conductor.client.http.models._base import Model

if TYPE_CHECKING:
    from conductor.client.http.models.task import Task


# Every status a workflow can have; RUNNING and PAUSED are not terminal.
WORKFLOW_STATUSES = ("RUNNING", "COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED", "PAUSED")

# Status groups used by ``is_completed()``, ``is_successful()`` and ``is_running()`` (the same
# groups as conductor-python, which counts PAUSED as successful).
terminal_status = frozenset({"COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"})
successful_status = frozenset({"PAUSED", "COMPLETED"})
running_status = frozenset({"RUNNING", "PAUSED"})


class _WorkflowStatusChecks:
    """Status tests shared by ``Workflow``, ``WorkflowRun`` and ``WorkflowStatus``."""

    status: str | None

    def is_completed(self) -> bool:
        """True once the workflow reached a terminal status."""
        return self.status in terminal_status

    def is_successful(self) -> bool:
        """True when the status is COMPLETED (or PAUSED)."""
        return self.status in successful_status

    def is_running(self) -> bool:
        """True while the workflow is RUNNING or PAUSED."""
        return self.status in running_status


class _TaskLookup:
    """Task lookups shared by ``Workflow`` and ``WorkflowRun``."""

    tasks: list[Task] | None

    @property
    def current_task(self) -> Task | None:
        """The last task that is still SCHEDULED or IN_PROGRESS, if any."""
        current = None
        for task in self.tasks or ():
            if task.status in ("SCHEDULED", "IN_PROGRESS"):
                current = task
        return current

    def get_task(
        self, name: str | None = None, task_reference_name: str | None = None
    ) -> Task | None:
        """Return the latest task with definition ``name`` or reference ``task_reference_name``.

        Raises:
            ValueError: neither or both of ``name`` and ``task_reference_name`` were given.
        """
        if (name is None) == (task_reference_name is None):
            raise ValueError("give exactly one of `name` and `task_reference_name`")
        found = None
        for task in self.tasks or ():
            if (name is not None and task.task_def_name == name) or (
                task_reference_name is not None and _reference_of(task) == task_reference_name
            ):
                found = task
        return found


def _reference_of(task: Task) -> str | None:
    if task.reference_task_name is not None:
        return task.reference_task_name
    return task.workflow_task.task_reference_name if task.workflow_task is not None else None


class WorkflowRun(_WorkflowStatusChecks, _TaskLookup, Model):
    """The state of a workflow returned by the synchronous execute endpoint.

    ``is_completed()``, ``is_successful()`` and ``is_running()`` test ``status``;
    ``current_task`` and ``get_task()`` look tasks up.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "correlation_id": "str",
        "create_time": "int",
        "created_by": "str",
        "input": "dict(str, object)",
        "output": "dict(str, object)",
        "priority": "int",
        "request_id": "str",
        "status": "str",
        "tasks": "list[Task]",
        "update_time": "int",
        "variables": "dict(str, object)",
        "workflow_id": "str",
        "reason_for_incompletion": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "correlation_id": "correlationId",
        "create_time": "createTime",
        "created_by": "createdBy",
        "input": "input",
        "output": "output",
        "priority": "priority",
        "request_id": "requestId",
        "status": "status",
        "tasks": "tasks",
        "update_time": "updateTime",
        "variables": "variables",
        "workflow_id": "workflowId",
        "reason_for_incompletion": "reasonForIncompletion",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "status": WORKFLOW_STATUSES,
    }

    correlation_id: str | None
    create_time: int | None
    created_by: str | None
    input: dict[str, Any] | None
    output: dict[str, Any] | None
    priority: int | None
    request_id: str | None
    update_time: int | None
    variables: dict[str, Any] | None
    workflow_id: str | None
    reason_for_incompletion: str | None

    def __init__(
        self,
        correlation_id: str | None = None,
        create_time: int | None = None,
        created_by: str | None = None,
        input: dict[str, Any] | None = None,
        output: dict[str, Any] | None = None,
        priority: int | None = None,
        request_id: str | None = None,
        status: str | None = None,
        tasks: list[Task] | None = None,
        update_time: int | None = None,
        variables: dict[str, Any] | None = None,
        workflow_id: str | None = None,
        reason_for_incompletion: str | None = None,
    ) -> None:
        self._init_fields(locals())
