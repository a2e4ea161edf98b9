"""Access to the task being executed: :func:`get_task_context`, :class:`TaskContext`."""

from __future__ import annotations

from conductor.client.context.task_context import TaskContext, TaskInProgress, get_task_context

__all__ = ["TaskContext", "TaskInProgress", "get_task_context"]
