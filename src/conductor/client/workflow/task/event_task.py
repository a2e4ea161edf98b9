"""EVENT tasks: publish the task's input to an event sink (a queue)."""

from __future__ import annotations

from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class EventTaskInterface(TaskInterface):
    """Publish to the sink ``<event_prefix>:<event_suffix>``."""

    def __init__(self, task_ref_name: str, event_prefix: str, event_suffix: str) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.EVENT)
        self._sink = f"{event_prefix}:{event_suffix}"

    def to_workflow_task(self) -> WorkflowTask:
        """Return the EVENT task with its sink."""
        workflow_task = super().to_workflow_task()
        workflow_task.sink = self._sink
        return workflow_task


class SqsEventTask(EventTaskInterface):
    """Publish to the SQS queue ``queue_name``."""

    def __init__(self, task_ref_name: str, queue_name: str) -> None:
        super().__init__(task_ref_name, "sqs", queue_name)


class ConductorEventTask(EventTaskInterface):
    """Publish the Conductor event ``event_name`` (handled by event handlers)."""

    def __init__(self, task_ref_name: str, event_name: str) -> None:
        super().__init__(task_ref_name, "conductor", event_name)
