"""One log line attached to a task execution; ``created_time`` is epoch milliseconds."""

from __future__ import annotations

from typing import ClassVar

from conductor.client.http.models._base import Model


class TaskExecLog(Model):
    """One log line attached to a task execution; ``created_time`` is epoch milliseconds."""

    swagger_types: ClassVar[dict[str, str]] = {
        "log": "str",
        "task_id": "str",
        "created_time": "int",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "log": "log",
        "task_id": "taskId",
        "created_time": "createdTime",
    }

    log: str | None
    task_id: str | None
    created_time: int | None

    def __init__(
        self,
        log: str | None = None,
        task_id: str | None = None,
        created_time: int | None = None,
    ) -> None:
        self._init_fields(locals())
