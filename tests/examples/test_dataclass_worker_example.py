"""examples/dataclass_worker.py: dataclass input and output."""

from __future__ import annotations

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration


def test_orders_are_invoiced(conductor_server: InMemoryConductorServer) -> None:
    run = run_example("dataclass_worker.py", server_url=conductor_server.url)
    assert run.returncode == 0, run.output
    assert [wf.output for wf in workflows(conductor_server.url, run)] == [
        {"invoice": {"order_id": 1, "total": 15.0, "discounted": False}},
        {"invoice": {"order_id": 2, "total": 13.05, "discounted": True}},
        {"invoice": {"order_id": 3, "total": 3.0, "discounted": False}},
    ]
