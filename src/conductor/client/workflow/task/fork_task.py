"""FORK_JOIN tasks: run several lists of tasks in parallel."""

from __future__ import annotations

from copy import deepcopy

from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.join_task import JoinTask
from conductor.client.workflow.task.task import (
    TaskInterface,
    copy_task_list,
    get_task_interface_list_as_workflow_task_list,
)
from conductor.client.workflow.task.task_type import TaskType


def get_join_task(task_reference_name: str) -> str:
    """Return the reference name of the JOIN a fork adds for itself."""
    return task_reference_name + "_join"


class ForkTask(TaskInterface):
    """Run each inner list of ``forked_tasks`` as a parallel branch.

    Without ``join_on`` this is the FORK_JOIN task alone (``ConductorWorkflow`` adds the JOIN);
    with ``join_on`` :meth:`to_workflow_task` returns the fork followed by a JOIN
    ``<ref>_join`` waiting on those reference names.
    """

    def __init__(
        self,
        task_ref_name: str,
        forked_tasks: list[list[TaskInterface]],
        join_on: list[str] | None = None,
    ) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.FORK_JOIN)
        self._forked_tasks = [copy_task_list(branch) for branch in forked_tasks]
        self._join_on = deepcopy(join_on)

    def to_workflow_task(self) -> WorkflowTask | list[WorkflowTask]:  # type: ignore[override]
        """Return the FORK_JOIN task, or the fork and its JOIN when ``join_on`` was given."""
        fork = super().to_workflow_task()
        fork.fork_tasks = [
            get_task_interface_list_as_workflow_task_list(*branch) for branch in self._forked_tasks
        ]
        fork.join_on = [_last_reference(branch) for branch in fork.fork_tasks]
        if self._join_on is None:
            return fork
        join = JoinTask(get_join_task(self.task_reference_name), join_on=self._join_on)
        return [fork, join.to_workflow_task()]


def _last_reference(branch: list[WorkflowTask]) -> str:
    if not branch or branch[-1].task_reference_name is None:
        raise ValueError("every branch of a fork needs at least one task")
    return branch[-1].task_reference_name
