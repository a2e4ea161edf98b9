"""examples/async_worker.py: an async def worker with ten tasks in flight."""

from __future__ import annotations

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration


def test_tasks_run_concurrently(conductor_server: InMemoryConductorServer) -> None:
    run = run_example("async_worker.py", server_url=conductor_server.url)
    assert run.returncode == 0, run.output
    done = workflows(conductor_server.url, run)
    assert len(done) == 20
    assert {wf.output["price"] for wf in done} == {12.5, 99.0, 7.25, 31.0}
    # One worker process ran them: some tasks were in progress at the same time.
    spans = sorted((wf.tasks[0].start_time, wf.tasks[0].end_time) for wf in done)
    overlapping = sum(1 for (_, end), (start, _) in zip(spans, spans[1:]) if start < end)
    assert overlapping >= 5, spans
