"""Workers at module level, importable by spawned children (and used by in-process tests).

Nothing here registers at import (the decorated worker is in ``sample_decorated``, which
tests import inside a registry-restoring fixture). This module uses
``from __future__ import annotations``: every annotation below is a string
that the worker resolves with ``typing.get_type_hints``.
"""

# ruff: noqa: UP045 - Optional resolves at run time on Python 3.9; "X | None" does not

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, field
from typing import Any, Optional

from conductor.client.context import get_task_context
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker import _execution
from conductor.client.worker.worker_interface import WorkerInterface


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclass
class LineItem:
    sku: str
    quantity: int
    price: float = 0.0


@dataclass
class Address:
    city: str
    zip_code: Optional[str] = None


@dataclass
class Order:
    order_id: int
    items: list[LineItem]
    shipping: Address
    tags: list[str] = field(default_factory=list)


def add_numbers(a: int, b: int = 10) -> int:
    """A function worker: typed inputs, a non-dict return value."""
    return a + b


def order_total(order: Order, discount: Optional[float] = None) -> dict[str, Any]:
    """Nested dataclasses and Optional, all from string annotations."""
    total = sum(item.quantity * item.price for item in order.items)
    return {
        "order_id": order.order_id,
        "city": order.shipping.city,
        "total": total - (discount or 0.0),
        "first_item_type": type(order.items[0]).__name__,
    }


async def async_greet(name: str) -> dict[str, str]:
    """An async function worker that uses the task context."""
    await asyncio.sleep(0)
    get_task_context().add_log(f"greeting {name}")
    return {"greeting": f"Hello, {name}"}


class ClassWorker(WorkerInterface):
    """A class worker written as in the seed documents."""

    def execute(self, task: Task) -> TaskResult:
        task_result = self.get_task_result_from_task(task)
        task_result.add_output_data("worker_style", "class")
        task_result.add_output_data("input", task.input_data)
        task_result.status = TaskResultStatus.COMPLETED
        return task_result

    def get_polling_interval_in_seconds(self) -> float:
        return 0.5


def execute_in_child(workers: list[Any], tasks: list[Task], results: Any) -> None:
    """Target of a spawned child: execute each task with its worker, send the results back.

    Also reports, per worker, whether its function is the undecorated decorated function.
    """
    import sample_decorated

    undecorated = sample_decorated.decorated_double.__wrapped__
    out = [_execution.execute_task(worker, task) for worker, task in zip(workers, tasks)]
    unwrapped = [getattr(worker, "execute_function", None) is undecorated for worker in workers]
    results.put((out, unwrapped))
