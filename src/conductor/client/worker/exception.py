"""Exceptions a worker raises (or returns) to tell the runtime how a task ended."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["NonRetryableException", "TaskInProgress"]


class NonRetryableException(Exception):
    """Raise from a worker to fail the task terminally (``FAILED_WITH_TERMINAL_ERROR``).

    The server does not retry a task that failed this way, whatever its task definition says.
    """


class TaskInProgress(Exception):
    """The task is not finished yet: report ``IN_PROGRESS`` and have it polled again later.

    A worker may either return it or raise it. The task comes back to a worker after
    ``callback_after_seconds``, with its poll count increased.

    Args:
        callback_after_seconds: How long the server waits before handing the task out again.
        output: Intermediate output to store on the task now (a dict; ``None`` means ``{}``).

    Raises:
        ValueError: ``callback_after_seconds`` is negative or not a finite number.
    """

    def __init__(self, callback_after_seconds: float = 60, output: dict[str, Any] | None = None):
        if (
            isinstance(callback_after_seconds, bool)
            or not isinstance(callback_after_seconds, (int, float))
            or not math.isfinite(callback_after_seconds)
            or callback_after_seconds < 0
        ):
            raise ValueError(
                f"callback_after_seconds must be a number >= 0, got {callback_after_seconds!r}"
            )
        super().__init__(f"task in progress, callback after {callback_after_seconds}s")
        self.callback_after_seconds = callback_after_seconds
        self.output: dict[str, Any] = output if output is not None else {}

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles its ``args`` by default, which do not match this constructor.
        return (type(self), (self.callback_after_seconds, self.output))

    def __repr__(self) -> str:
        return (
            f"TaskInProgress(callback_after_seconds={self.callback_after_seconds!r}, "
            f"output={self.output!r})"
        )
