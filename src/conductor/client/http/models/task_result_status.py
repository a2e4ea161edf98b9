"""Statuses a worker may report for a task."""

from __future__ import annotations

from enum import Enum


class TaskResultStatus(str, Enum):
    """The status of a :class:`TaskResult`; serialises as its name."""

    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    FAILED_WITH_TERMINAL_ERROR = "FAILED_WITH_TERMINAL_ERROR"
    IN_PROGRESS = "IN_PROGRESS"

    def __str__(self) -> str:
        return self.name
