"""SWITCH tasks: run one list of tasks chosen by a value or a script."""

from __future__ import annotations

from enum import Enum

from typing_extensions import Self

from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.task import (
    TaskInterface,
    copy_task_list,
    get_task_interface_list_as_workflow_task_list,
)
from conductor.client.workflow.task.task_type import TaskType


class EvaluatorType(str, Enum):
    """How a SWITCH evaluates its expression."""

    JAVASCRIPT = "javascript"
    ECMASCRIPT = "graaljs"
    VALUE_PARAM = "value-param"

    def __str__(self) -> str:
        return self.value


class SwitchTask(TaskInterface):
    """Branch on ``case_expression``.

    By default the expression is a value (usually an expression such as
    ``${workflow.input.kind}``) passed as the ``switchCaseValue`` input and matched against the
    case names. With ``use_javascript=True`` it is a script whose result picks the case.
    """

    def __init__(
        self, task_ref_name: str, case_expression: str, use_javascript: bool = False
    ) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.SWITCH)
        self._decision_cases: dict[str, list[TaskInterface]] = {}
        self._default_case: list[TaskInterface] = []
        self._expression = case_expression
        self._use_javascript = use_javascript

    def switch_case(self, case_name: str, tasks: TaskInterface | list[TaskInterface]) -> Self:
        """Run ``tasks`` when the expression equals ``case_name``."""
        self._decision_cases[case_name] = copy_task_list(tasks)
        return self

    def default_case(self, tasks: TaskInterface | list[TaskInterface]) -> Self:
        """Run ``tasks`` when no case matches."""
        self._default_case = copy_task_list(tasks)
        return self

    def to_workflow_task(self) -> WorkflowTask:
        """Return the SWITCH task with its evaluator, expression and cases."""
        workflow_task = super().to_workflow_task()
        if self._use_javascript:
            workflow_task.evaluator_type = EvaluatorType.ECMASCRIPT.value
            workflow_task.expression = self._expression
        else:
            workflow_task.evaluator_type = EvaluatorType.VALUE_PARAM.value
            inputs = workflow_task.input_parameters or {}
            inputs["switchCaseValue"] = self._expression
            workflow_task.input_parameters = inputs
            workflow_task.expression = "switchCaseValue"
        workflow_task.decision_cases = {
            case: get_task_interface_list_as_workflow_task_list(*tasks)
            for case, tasks in self._decision_cases.items()
        }
        workflow_task.default_case = get_task_interface_list_as_workflow_task_list(
            *self._default_case
        )
        return workflow_task
