"""Configuring workers from the environment, without touching the code.

    conductor_worker_domain=blue CONDUCTOR_WORKER_PAINT_THREAD_COUNT=4 python examples/env_config.py

Every worker property can come from an environment variable, for all workers
(``conductor_worker_<property>``) or for one task type (``conductor_worker_<task>_<property>``,
``CONDUCTOR_WORKER_<TASK>_<PROPERTY>``). The environment wins over ``worker.ini``, which wins
over the code. The server comes from ``CONDUCTOR_SERVER_URL``.

This demo sets a default domain when none is given, prints each worker's effective settings
with where they came from, then runs tasks routed to that domain.
"""

from __future__ import annotations

import os
import sys

from _support import conductor_server, run_workflows

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.automator.worker_config import resolve_worker_config
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker import Worker
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.simple_task import SimpleTask


def paint(color: str) -> dict:
    return {"painted": color}


def run_demo(configuration: Configuration) -> int:
    worker = Worker("paint", execute_function=paint, poll_interval=500)
    config = resolve_worker_config(worker)
    for name in ("domain", "polling_interval", "thread_count"):
        print(f"paint.{name} = {getattr(config, name)!r} (from {config.sources.get(name)})")

    executor = WorkflowExecutor(configuration)
    workflow = ConductorWorkflow(executor, name="paint_things", version=1)
    workflow >> SimpleTask("paint", "paint").input_parameter("color", workflow.input("color"))
    workflow.output_parameters({"painted": "${paint.output.painted}"})

    domain = config.domain
    handler = TaskHandler([worker], configuration, scan_for_annotated_workers=False)
    handler.start_processes()
    try:
        return run_workflows(
            executor,
            workflow,
            [{"color": color} for color in ("red", "green", "blue")],
            tasks_per_workflow=1,
            task_to_domain={"paint": domain} if domain else None,
        )
    finally:
        handler.stop_processes()  # graceful: tasks in flight finish first


def main() -> int:
    # A default for the demo; an exported conductor_worker_domain (or a task-specific
    # variable) takes precedence over it.
    os.environ.setdefault("conductor_worker_domain", "blue")
    with conductor_server() as configuration:
        return run_demo(configuration)


if __name__ == "__main__":
    sys.exit(main())
