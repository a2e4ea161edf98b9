"""Workers for the TaskHandler integration tests: module level, so spawned children import them."""

from __future__ import annotations

import logging
import os
import signal
import time

from conductor.client.http.models import Task, TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker.worker_interface import WorkerInterface

logger = logging.getLogger("handler_workers")


def execute(task: Task) -> TaskResult:
    """Seed 000/002: a function worker that builds its own TaskResult."""
    task_result = TaskResult(
        task_id=task.task_id,
        workflow_instance_id=task.workflow_instance_id,
        worker_id="your_custom_id",
    )
    task_result.add_output_data("worker_style", "function")
    task_result.status = TaskResultStatus.COMPLETED
    return task_result


class SimplePythonWorker(WorkerInterface):
    """Seed 000/002: a class worker."""

    def execute(self, task: Task) -> TaskResult:
        task_result = self.get_task_result_from_task(task)
        task_result.add_output_data("worker_style", "class")
        task_result.add_output_data("secret_number", 1234)
        task_result.add_output_data("is_it_true", False)
        task_result.status = TaskResultStatus.COMPLETED
        return task_result

    def get_polling_interval_in_seconds(self) -> float:
        return 0.2


def whoami() -> dict[str, int]:
    """Reports which process ran the task."""
    return {"pid": os.getpid()}


def sleepy(seconds: float) -> dict[str, object]:
    """Runs for ``seconds``, then reports its process."""
    time.sleep(seconds)
    return {"slept": seconds, "pid": os.getpid()}


def chatty(message: str) -> dict[str, str]:
    """Logs one line at WARNING from inside the worker process."""
    logger.warning("worker says %s", message)
    return {"said": message}


def flaky(fail: bool) -> dict[str, bool]:
    """Raises when asked to, so metrics count an execution error."""
    if fail:
        raise RuntimeError("asked to fail")
    return {"ok": True}


def maybe_wedge(wedge: bool) -> dict[str, int]:
    """With ``wedge``: freeze this whole process (SIGSTOP), as a deadlocked runtime would."""
    if wedge:
        os.kill(os.getpid(), signal.SIGSTOP)
    return {"pid": os.getpid()}
