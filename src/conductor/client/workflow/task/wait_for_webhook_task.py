"""WAIT_FOR_WEBHOOK tasks: wait for an incoming webhook whose payload matches."""

from __future__ import annotations

from typing import Any

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class WaitForWebHookTask(TaskInterface):
    """Complete when a webhook arrives whose payload matches ``matches``.

    ``matches`` maps JSON paths of the payload to expected values, e.g.
    ``{"$['type']": "customer_created", "$['id']": "${workflow.input.id}"}``.
    """

    def __init__(self, task_ref_name: str, matches: dict[str, Any]) -> None:
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.WAIT_FOR_WEBHOOK)
        self.input_parameters["matches"] = matches


def wait_for_webhook(
    task_ref_name: str, matches: dict[str, Any], task_def_name: str | None = None
) -> TaskInterface:
    """Return a :class:`WaitForWebHookTask`, named ``task_def_name`` when given."""
    task = WaitForWebHookTask(task_ref_name=task_ref_name, matches=matches)
    if task_def_name is not None:
        task.name = task_def_name
    return task
