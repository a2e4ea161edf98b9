"""A long-running task that reports progress instead of holding a worker.

    python examples/long_running_worker.py

``await_report`` checks on a (simulated) report job. Until the job is done it returns
``TaskInProgress``: the task goes back to the server with a callback delay and a worker picks it
up again after that many seconds, with ``poll_count`` increased. The worker is free for other
tasks in between, and the task's logs (``TaskContext.add_log``) show each check.
"""

from __future__ import annotations

import sys

from _support import conductor_server, run_workflows

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.context import TaskInProgress, get_task_context
from conductor.client.worker.worker_task import worker_task
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.simple_task import SimpleTask

CHECKS_UNTIL_DONE = 3


@worker_task(task_definition_name="await_report")
def await_report(report_id: str) -> object:
    context = get_task_context()
    checks = context.get_poll_count()
    context.add_log(f"check {checks} of report {report_id}")
    if checks < CHECKS_UNTIL_DONE:
        # Not ready: come back in one second. The output is kept on the task meanwhile.
        return TaskInProgress(callback_after_seconds=1, output={"checks": checks})
    return {"report_id": report_id, "status": "ready", "checks": checks}


def run_demo(configuration: Configuration) -> int:
    executor = WorkflowExecutor(configuration)
    workflow = ConductorWorkflow(executor, name="build_reports", version=1)
    wait = SimpleTask("await_report", "await_report").input_parameter(
        "report_id", workflow.input("report_id")
    )
    workflow >> wait
    workflow.output_parameters({"status": wait.output("status"), "checks": wait.output("checks")})
    handler = TaskHandler([], configuration, scan_for_annotated_workers=True)
    handler.start_processes()
    try:
        return run_workflows(
            executor, workflow, [{"report_id": f"r-{n}"} for n in range(2)], tasks_per_workflow=1
        )
    finally:
        handler.stop_processes()  # graceful: tasks in flight finish first


def main() -> int:
    with conductor_server() as configuration:
        return run_demo(configuration)


if __name__ == "__main__":
    sys.exit(main())
