"""JOIN tasks: wait for the branches of a fork to finish."""

from __future__ import annotations

from copy import deepcopy

from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class JoinTask(TaskInterface):
    """Wait for the tasks named in ``join_on`` (reference names) to complete.

    ``join_on_script`` is an optional JavaScript expression that decides when the join is done.
    """

    def __init__(
        self,
        task_ref_name: str,
        join_on: list[str] | None = None,
        join_on_script: str | None = None,
    ) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.JOIN)
        self._join_on = deepcopy(join_on)
        if join_on_script is not None:
            self.evaluator_type = "js"
            self.expression = join_on_script

    def to_workflow_task(self) -> WorkflowTask:
        """Return the JOIN task with the reference names it waits for."""
        workflow_task = super().to_workflow_task()
        workflow_task.join_on = deepcopy(self._join_on)
        return workflow_task
