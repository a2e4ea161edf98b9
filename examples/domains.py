"""Task domains: two workers for the same task type, each serving its own domain.

    python examples/domains.py

A workflow's ``taskToDomain`` routes its tasks to a domain; a worker with ``domain="eu"`` polls
only tasks routed to ``eu``. Here orders are shipped by the EU or the US worker depending on the
domain each workflow was started with; the output says which worker did the work.
"""

from __future__ import annotations

import sys

from _support import conductor_server, run_workflows

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker import Worker
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.simple_task import SimpleTask


def ship_from_eu(order_id: str) -> dict:
    return {"order_id": order_id, "warehouse": "Rotterdam"}


def ship_from_us(order_id: str) -> dict:
    return {"order_id": order_id, "warehouse": "Memphis"}


def run_demo(configuration: Configuration) -> int:
    executor = WorkflowExecutor(configuration)
    workflow = ConductorWorkflow(executor, name="ship_orders", version=1)
    ship = SimpleTask("ship_order", "ship").input_parameter("order_id", workflow.input("order_id"))
    workflow >> ship
    workflow.output_parameters({"warehouse": ship.output("warehouse")})

    workers = [
        Worker("ship_order", execute_function=ship_from_eu, domain="eu"),
        Worker("ship_order", execute_function=ship_from_us, domain="us"),
    ]
    handler = TaskHandler(workers, configuration, scan_for_annotated_workers=False)
    handler.start_processes()
    try:
        results = [
            run_workflows(
                executor,
                workflow,
                [{"order_id": f"{domain}-{n}"} for n in range(2)],
                tasks_per_workflow=1,
                task_to_domain={"ship_order": domain},
            )
            for domain in ("eu", "us")
        ]
    finally:
        handler.stop_processes()  # graceful: tasks in flight finish first
    return max(results)


def main() -> int:
    with conductor_server() as configuration:
        return run_demo(configuration)


if __name__ == "__main__":
    sys.exit(main())
