"""The three worker styles of the conductor-python docs, configured by a worker.ini.

    python examples/main.py

Workers: ``execute`` (a function that builds its own ``TaskResult``), ``SimplePythonWorker`` (a
``WorkerInterface`` subclass) and ``python_annotated_task`` (a ``@WorkerTask``-decorated
function). ``worker.ini`` next to this script puts the decorated worker in the ``cool`` domain.

As a demo it starts a server if ``CONDUCTOR_SERVER_URL`` is unset, runs a few workflows that use
all three workers, prints their outputs and exits.
"""

from __future__ import annotations

import sys

from _support import conductor_server, run_workflows

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.models import Task, TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import WorkerInterface
from conductor.client.worker.worker_task import WorkerTask
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.simple_task import SimpleTask


def execute(task: Task) -> TaskResult:
    """A function worker that receives the Task and returns a TaskResult."""
    task_result = TaskResult(
        task_id=task.task_id,
        workflow_instance_id=task.workflow_instance_id,
        worker_id="your_custom_id",
    )
    task_result.add_output_data("worker_style", "function")
    task_result.status = TaskResultStatus.COMPLETED
    return task_result


class SimplePythonWorker(WorkerInterface):
    """A class worker with its own polling interval."""

    def execute(self, task: Task) -> TaskResult:
        task_result = self.get_task_result_from_task(task)
        task_result.add_output_data("worker_style", "class")
        task_result.add_output_data("secret_number", 1234)
        task_result.add_output_data("is_it_true", False)
        task_result.status = TaskResultStatus.COMPLETED
        return task_result

    def get_polling_interval_in_seconds(self) -> float:
        return 0.5


# No domain here: worker.ini sets it (polling_interval too).
@WorkerTask(task_definition_name="python_annotated_task", worker_id="decorated")
def python_annotated_task(input: dict) -> object:
    return {"message": "python is so cool :)"}


def workers() -> list[WorkerInterface]:
    return [
        SimplePythonWorker(task_definition_name="python_task_example"),
        Worker(task_definition_name="python_execute_example", execute_function=execute),
    ]


def build_workflow(executor: WorkflowExecutor) -> ConductorWorkflow:
    workflow = ConductorWorkflow(executor, name="python_workers_example", version=1)
    workflow >> SimpleTask("python_task_example", "class_style")
    workflow >> SimpleTask("python_execute_example", "function_style")
    workflow >> SimpleTask("python_annotated_task", "decorated_style")
    return workflow.output_parameters(
        {
            "class": "${class_style.output}",
            "function": "${function_style.output}",
            "decorated": "${decorated_style.output}",
        }
    )


def run_demo(configuration: Configuration, count: int = 3) -> int:
    executor = WorkflowExecutor(configuration)
    workflow = build_workflow(executor)
    handler = TaskHandler(workers(), configuration, scan_for_annotated_workers=True)
    handler.start_processes()
    try:
        # The decorated worker polls in the "cool" domain (worker.ini): route its tasks there.
        return run_workflows(
            executor,
            workflow,
            [{}] * count,
            tasks_per_workflow=3,
            task_to_domain={"python_annotated_task": "cool"},
        )
    finally:
        handler.stop_processes()  # graceful: tasks in flight finish first


def main() -> int:
    with conductor_server() as configuration:
        return run_demo(configuration)


if __name__ == "__main__":
    sys.exit(main())
