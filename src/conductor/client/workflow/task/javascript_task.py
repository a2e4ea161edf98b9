"""JavaScript (INLINE) tasks whose ``output()`` points into the script's result."""

from __future__ import annotations

from conductor.client.workflow.task.inline import InlineTask


class JavascriptTask(InlineTask):
    """Evaluate a JavaScript ``script`` with ``bindings`` as its ``$`` inputs (an INLINE task).

    The server puts the script's value under ``result``; :meth:`output` reads from there.
    """

    def output(self, json_path: str | None = None) -> str:
        """Return the expression for the script's result, or for ``json_path`` inside it."""
        if json_path is None:
            return super().output("result")
        separator = "" if json_path.startswith(".") else "."
        return super().output("result" + separator + json_path)

    @property
    def evaluator_type(self) -> str | None:
        """The script language, kept in the ``evaluatorType`` input."""
        return self.input_parameters.get("evaluatorType")

    @evaluator_type.setter
    def evaluator_type(self, evaluator_type: str | None) -> None:
        # An INLINE task reads its evaluator from the input, not from the task's own field.
        self.input_parameters["evaluatorType"] = evaluator_type
