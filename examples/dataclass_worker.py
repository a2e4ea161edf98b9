"""A worker whose input and output are dataclasses.

    python examples/dataclass_worker.py

The worker's parameter ``order_info`` is annotated with a dataclass, so the JSON object under the
task input key ``order_info`` arrives as an ``OrderInfo``. The returned ``Invoice`` dataclass
becomes the task output (``dataclasses.asdict``). Runs a few orders through a one-task workflow
and exits.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Optional

from _support import conductor_server, run_workflows

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker_task import worker_task
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.simple_task import SimpleTask


@dataclass
class OrderInfo:
    order_id: int
    sku: str
    quantity: int
    sku_price: float


@dataclass
class Invoice:
    order_id: int
    total: float
    discounted: bool


# Optional[...] rather than "float | None": the SDK evaluates annotations at run time, and the
# "|" form needs Python 3.10 there.
@worker_task(task_definition_name="invoice_order")
def invoice_order(
    order_info: OrderInfo,
    discount_percent: Optional[float] = None,  # noqa: UP045
) -> Invoice:
    total = order_info.quantity * order_info.sku_price
    if discount_percent:
        total *= 1 - discount_percent / 100
    return Invoice(
        order_id=order_info.order_id, total=round(total, 2), discounted=bool(discount_percent)
    )


ORDERS = [
    {"order_info": {"order_id": 1, "sku": "pen", "quantity": 10, "sku_price": 1.5}},
    {
        "order_info": {"order_id": 2, "sku": "ink", "quantity": 2, "sku_price": 7.25},
        "discount_percent": 10,
    },
    {"order_info": {"order_id": 3, "sku": "pad", "quantity": 1, "sku_price": 3.0}},
]


def build_workflow(executor: WorkflowExecutor) -> ConductorWorkflow:
    workflow = ConductorWorkflow(executor, name="invoice_orders", version=1)
    invoice = (
        SimpleTask("invoice_order", "invoice")
        .input_parameter("order_info", workflow.input("order_info"))
        .input_parameter("discount_percent", workflow.input("discount_percent"))
    )
    workflow >> invoice
    return workflow.output_parameters({"invoice": invoice.output()})


def run_demo(configuration: Configuration) -> int:
    executor = WorkflowExecutor(configuration)
    workflow = build_workflow(executor)
    handler = TaskHandler([], configuration, scan_for_annotated_workers=True)
    handler.start_processes()
    try:
        return run_workflows(executor, workflow, ORDERS, tasks_per_workflow=1)
    finally:
        handler.stop_processes()  # graceful: tasks in flight finish first


def main() -> int:
    with conductor_server() as configuration:
        return run_demo(configuration)


if __name__ == "__main__":
    sys.exit(main())
