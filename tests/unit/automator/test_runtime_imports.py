"""Worker processes of sync workers stay light: asyncio is imported only for async workers."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import sys
from conductor.client.automator.task_handler import TaskHandler
from conductor.client.automator.task_runner import TaskRunner
from conductor.client.worker._execution import execute_task
from conductor.client.http.models import Task
from conductor.client.worker.worker import Worker

worker = Worker("probe", lambda task: {"ok": True})
result = execute_task(worker, Task(task_id="t", workflow_instance_id="w"))
assert result.status.name == "COMPLETED", result
print("asyncio" in sys.modules)
"""


def test_sync_worker_runtime_does_not_import_asyncio() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False", out.stderr
