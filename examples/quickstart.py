"""Quickstart: three workers, one workflow, several runs, start to finish.

    python examples/quickstart.py [--workflows N] [--timeout SECONDS]

Without ``CONDUCTOR_SERVER_URL`` this starts the local in-memory Conductor server inside this
process; with it (e.g. ``CONDUCTOR_SERVER_URL=http://localhost:8080/api``) it uses that server.

It registers a workflow of three SIMPLE tasks, starts several instances of it, runs one worker
of each style (a function, a class, a decorated function) under a ``TaskHandler``, shows the
progress, waits for every workflow to complete, prints their outputs, and exits 0. It exits 1 if
a workflow fails and 2 if they do not finish in time.
"""

from __future__ import annotations

import argparse
import sys

from _support import conductor_server, run_workflows

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.http.models import Task, TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_interface import WorkerInterface
from conductor.client.worker.worker_task import worker_task
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.simple_task import SimpleTask

NAMES = ["ada lovelace", "alan turing", "grace hopper", "edsger dijkstra", "barbara liskov"]


# Style 1: a plain function, wrapped in Worker below. Its parameters are filled from the
# task's input by name, and the dict it returns becomes the task's output.
def normalize_name(name: str) -> dict:
    return {"name": " ".join(part.capitalize() for part in name.split())}


# Style 2: a class. It gets the whole Task and builds the TaskResult itself.
class GreetWorker(WorkerInterface):
    def execute(self, task: Task) -> TaskResult:
        result = self.get_task_result_from_task(task)
        result.add_output_data("greeting", f"Hello, {task.input_data['name']}!")
        result.status = TaskResultStatus.COMPLETED
        return result


# Style 3: a decorated function, found by the TaskHandler (scan_for_annotated_workers=True).
@worker_task(task_definition_name="quickstart_count_letters")
def count_letters(greeting: str) -> dict:
    return {"letters": sum(char.isalpha() for char in greeting)}


def build_workflow(executor: WorkflowExecutor) -> ConductorWorkflow:
    """normalize -> greet -> count, each task reading the previous task's output."""
    workflow = ConductorWorkflow(executor, name="quickstart_greetings", version=1)
    normalize = SimpleTask("quickstart_normalize_name", "normalize").input_parameter(
        "name", workflow.input("name")
    )
    greet = SimpleTask("quickstart_greet", "greet").input_parameter(
        "name", normalize.output("name")
    )
    count = SimpleTask("quickstart_count_letters", "count").input_parameter(
        "greeting", greet.output("greeting")
    )
    workflow >> normalize >> greet >> count
    workflow.output_parameters(
        {"greeting": greet.output("greeting"), "letters": count.output("letters")}
    )
    return workflow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workflows", type=int, default=5, help="instances to start")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait")
    args = parser.parse_args()

    workers = [
        Worker("quickstart_normalize_name", execute_function=normalize_name),
        GreetWorker("quickstart_greet"),
    ]
    with conductor_server() as configuration:
        executor = WorkflowExecutor(configuration)
        workflow = build_workflow(executor)
        inputs = [{"name": NAMES[i % len(NAMES)]} for i in range(args.workflows)]
        handler = TaskHandler(workers, configuration, scan_for_annotated_workers=True)
        handler.start_processes()
        try:
            return run_workflows(
                executor, workflow, inputs, tasks_per_workflow=3, timeout_s=args.timeout
            )
        finally:
            handler.stop_processes()  # graceful: tasks in flight finish first


if __name__ == "__main__":
    sys.exit(main())
