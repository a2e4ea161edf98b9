"""JavaScript (INLINE) tasks whose ``output()`` points into the script's result."""

from __future__ import annotations

from typing import Any

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class JavascriptTask(TaskInterface):
    """Evaluate a JavaScript ``script`` with ``bindings`` as its ``$`` inputs.

    The server puts the script's value under ``result``; :meth:`output` reads from there.
    """

    def __init__(
        self, task_ref_name: str, script: str, bindings: dict[str, Any] | None = None
    ) -> None:
        super().__init__(
            task_reference_name=task_ref_name,
            task_type=TaskType.INLINE,
            input_parameters={"evaluatorType": "graaljs", "expression": script},
        )
        if bindings is not None:
            self.input_parameters.update(bindings)

    def output(self, json_path: str | None = None) -> str:
        """Return the expression for the script's result, or for ``json_path`` inside it."""
        if json_path is None:
            return super().output("result")
        separator = "" if json_path.startswith(".") else "."
        return super().output("result" + separator + json_path)

    @property
    def evaluator_type(self) -> str | None:
        return self.input_parameters.get("evaluatorType")

    @evaluator_type.setter
    def evaluator_type(self, evaluator_type: str | None) -> None:
        # An INLINE task reads its evaluator from the input, not from the task's own field.
        self.input_parameters["evaluatorType"] = evaluator_type
