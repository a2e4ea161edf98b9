"""DO_WHILE tasks: repeat a list of tasks while a condition holds."""

from __future__ import annotations

from copy import deepcopy

from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.task import (
    TaskInterface,
    copy_task_list,
    get_task_interface_list_as_workflow_task_list,
)
from conductor.client.workflow.task.task_type import TaskType


def get_for_loop_condition(task_ref_name: str, iterations: int) -> str:
    """Return a loop condition that stops after ``iterations`` iterations."""
    return f"if ( $.{task_ref_name}.iteration < {iterations} ) {{ true; }} else {{ false; }}"


class DoWhileTask(TaskInterface):
    """Run ``tasks``, then again while ``termination_condition`` (JavaScript) is true."""

    def __init__(
        self,
        task_ref_name: str,
        termination_condition: str,
        tasks: TaskInterface | list[TaskInterface],
    ) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.DO_WHILE)
        self._loop_condition = termination_condition
        self._loop_over = copy_task_list(tasks)

    def to_workflow_task(self) -> WorkflowTask:
        """Return the DO_WHILE task with its loop condition and body."""
        workflow_task = super().to_workflow_task()
        workflow_task.loop_condition = self._loop_condition
        workflow_task.loop_over = get_task_interface_list_as_workflow_task_list(*self._loop_over)
        return workflow_task


class LoopTask(DoWhileTask):
    """Run ``tasks`` exactly ``iterations`` times."""

    def __init__(
        self, task_ref_name: str, iterations: int, tasks: TaskInterface | list[TaskInterface]
    ) -> None:
        super().__init__(
            task_ref_name=task_ref_name,
            termination_condition=get_for_loop_condition(task_ref_name, iterations),
            tasks=tasks,
        )


class ForEachTask(DoWhileTask):
    """Run ``tasks`` once per element of the list ``iterate_over`` (usually an expression).

    The list is the loop's ``items`` input; the loop stops after its last element.
    """

    def __init__(
        self,
        task_ref_name: str,
        tasks: TaskInterface | list[TaskInterface],
        iterate_over: str,
        variables: list[str] | None = None,
    ) -> None:
        condition = (
            f"if ( $.{task_ref_name}.iteration < $.items.length ) {{ true; }} else {{ false; }}"
        )
        super().__init__(task_ref_name=task_ref_name, termination_condition=condition, tasks=tasks)
        self.input_parameter("items", iterate_over)
        self._variables = deepcopy(variables)
