"""examples/long_running_worker.py: TaskInProgress and callbacks."""

from __future__ import annotations

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration


def test_task_completes_after_three_checks(conductor_server: InMemoryConductorServer) -> None:
    run = run_example("long_running_worker.py", server_url=conductor_server.url)
    assert run.returncode == 0, run.output
    for wf in workflows(conductor_server.url, run):
        assert wf.output == {"status": "ready", "checks": 3}
        task = wf.tasks[0]
        assert task.poll_count == 3
        logs = [entry["log"] for entry in conductor_server.task_logs(task.task_id)]
        assert [log.split(" of ")[0] for log in logs] == ["check 1", "check 2", "check 3"]
