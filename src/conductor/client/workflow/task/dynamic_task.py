"""DYNAMIC tasks: the task to run is named by an input resolved at run time."""

from __future__ import annotations

from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class DynamicTask(TaskInterface):
    """Run the task whose name ``dynamic_task`` evaluates to.

    ``dynamic_task`` (a name or an expression) is stored as the input ``dynamic_task_param``.
    """

    def __init__(
        self,
        dynamic_task: str,
        task_reference_name: str,
        dynamic_task_param: str = "taskToExecute",
    ) -> None:
        super().__init__(
            task_reference_name=task_reference_name,
            task_type=TaskType.DYNAMIC,
            task_name="dynamic_task",
        )
        self.input_parameters[dynamic_task_param] = dynamic_task
        self._dynamic_task_param = dynamic_task_param

    def to_workflow_task(self) -> WorkflowTask:
        """Return the DYNAMIC task, naming the input that holds the task to run."""
        workflow_task = super().to_workflow_task()
        workflow_task.dynamic_task_name_param = self._dynamic_task_param
        return workflow_task
