"""An ``async def`` worker running many tasks at once on one event loop.

    python examples/async_worker.py

``fetch_price`` awaits a slow call (simulated with ``asyncio.sleep``). With ``thread_count=10``,
its worker process keeps up to ten tasks in flight, so twenty tasks of 0.5 s each finish in
about a second instead of ten.
"""

from __future__ import annotations

import asyncio
import sys

from _support import conductor_server, run_workflows

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker_task import worker_task
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.simple_task import SimpleTask

PRICES = {"ACME": 12.5, "GLOBEX": 99.0, "INITECH": 7.25, "UMBRELLA": 31.0}


@worker_task(task_definition_name="fetch_price", thread_count=10)
async def fetch_price(symbol: str) -> dict:
    await asyncio.sleep(0.5)  # stands in for an HTTP request
    return {"symbol": symbol, "price": PRICES.get(symbol)}


def run_demo(configuration: Configuration, count: int = 20) -> int:
    executor = WorkflowExecutor(configuration)
    workflow = ConductorWorkflow(executor, name="fetch_prices", version=1)
    fetch = SimpleTask("fetch_price", "fetch").input_parameter("symbol", workflow.input("symbol"))
    workflow >> fetch
    workflow.output_parameters({"price": fetch.output("price")})
    symbols = sorted(PRICES)
    inputs = [{"symbol": symbols[n % len(symbols)]} for n in range(count)]
    handler = TaskHandler([], configuration, scan_for_annotated_workers=True)
    handler.start_processes()
    try:
        return run_workflows(executor, workflow, inputs, tasks_per_workflow=1)
    finally:
        handler.stop_processes()  # graceful: tasks in flight finish first


def main() -> int:
    with conductor_server() as configuration:
        return run_demo(configuration)


if __name__ == "__main__":
    sys.exit(main())
