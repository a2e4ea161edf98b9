"""FORK_JOIN_DYNAMIC tasks: fork into branches listed by an input at run time."""

from __future__ import annotations

from copy import deepcopy

from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.join_task import JoinTask
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class DynamicForkTask(TaskInterface):
    """Fork into the tasks listed in the input ``tasks_param``.

    Each branch gets its input from the map in ``tasks_input_param_name`` (keyed by reference
    name). Set both inputs with :meth:`input_parameter`. :meth:`to_workflow_task` returns a
    list: the fork, then ``join_task`` when one is given (``ConductorWorkflow`` adds a JOIN
    otherwise).
    """

    def __init__(
        self,
        task_ref_name: str,
        tasks_param: str = "dynamicTasks",
        tasks_input_param_name: str = "dynamicTasksInputs",
        join_task: JoinTask | None = None,
    ) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.FORK_JOIN_DYNAMIC)
        self.tasks_param = tasks_param
        self.tasks_input_param_name = tasks_input_param_name
        self._join_task = deepcopy(join_task)

    def to_workflow_task(self) -> list[WorkflowTask]:  # type: ignore[override]
        """Return the FORK_JOIN_DYNAMIC task, followed by ``join_task`` when one is given."""
        fork = super().to_workflow_task()
        fork.dynamic_fork_tasks_param = self.tasks_param
        fork.dynamic_fork_tasks_input_param_name = self.tasks_input_param_name
        tasks = [fork]
        if self._join_task is not None:
            tasks.append(self._join_task.to_workflow_task())
        return tasks
