"""Workflow tasks: one module per task type, all built on :class:`~.task.TaskInterface`."""
