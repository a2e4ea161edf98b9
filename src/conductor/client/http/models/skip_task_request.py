"""Input and output to record for a task that is skipped."""

from __future__ import annotations

from typing import Any, ClassVar

from conductor.client.http.models._base import Model


class SkipTaskRequest(Model):
    """Input and output to record for a task that is skipped."""

    swagger_types: ClassVar[dict[str, str]] = {
        "task_input": "dict(str, object)",
        "task_output": "dict(str, object)",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "task_input": "taskInput",
        "task_output": "taskOutput",
    }

    task_input: dict[str, Any] | None
    task_output: dict[str, Any] | None

    def __init__(
        self,
        task_input: dict[str, Any] | None = None,
        task_output: dict[str, Any] | None = None,
    ) -> None:
        self._init_fields(locals())
