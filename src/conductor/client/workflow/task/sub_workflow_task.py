"""SUB_WORKFLOW tasks: run another workflow, registered or given inline, as one task."""

from __future__ import annotations

from copy import deepcopy
from typing import TYPE_CHECKING

from conductor.client.http.models.sub_workflow_params import SubWorkflowParams
from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType

if TYPE_CHECKING:
    from conductor.client.workflow.conductor_workflow import ConductorWorkflow


class SubWorkflowTask(TaskInterface):
    """Run the registered workflow ``workflow_name`` (latest version when ``version`` is None).

    ``task_to_domain_map`` routes the sub-workflow's tasks to domains (``"*"`` for all).
    """

    def __init__(
        self,
        task_ref_name: str,
        workflow_name: str,
        version: int | None = None,
        task_to_domain_map: dict[str, str] | None = None,
    ) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.SUB_WORKFLOW)
        self._workflow_name = workflow_name
        self._version = version
        self._task_to_domain_map = deepcopy(task_to_domain_map)

    def to_workflow_task(self) -> WorkflowTask:
        """Return the SUB_WORKFLOW task naming the registered workflow."""
        workflow_task = super().to_workflow_task()
        workflow_task.sub_workflow_param = SubWorkflowParams(
            name=self._workflow_name,
            version=self._version,
            task_to_domain=deepcopy(self._task_to_domain_map),
        )
        return workflow_task


class InlineSubWorkflowTask(TaskInterface):
    """Run ``workflow`` as a sub-workflow, sending its whole definition with the parent."""

    def __init__(self, task_ref_name: str, workflow: ConductorWorkflow) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.SUB_WORKFLOW)
        self._workflow_name = workflow.name
        self._workflow_version = workflow.version
        self._workflow_definition = workflow.to_workflow_def()

    def to_workflow_task(self) -> WorkflowTask:
        """Return the SUB_WORKFLOW task carrying the whole workflow definition."""
        workflow_task = super().to_workflow_task()
        workflow_task.sub_workflow_param = SubWorkflowParams(
            name=self._workflow_name,
            version=self._workflow_version,
            workflow_definition=deepcopy(self._workflow_definition),
        )
        return workflow_task
