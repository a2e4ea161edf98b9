"""A worker process for the runner's integration tests: ``python runner_child.py URL TASK_TYPE``.

Runs one TaskRunner whose tasks sleep ``input.sleep`` seconds, with SIGTERM wired to stop(),
as a supervising process would do. Prints "ready" once the runner is built.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from typing import Any

from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.models.task import Task
from conductor.client.worker.worker import Worker


def sleepy(task: Task) -> dict[str, Any]:
    time.sleep(float(task.input_data.get("sleep", 0)))
    return {"slept": task.input_data.get("sleep", 0)}


def main(url: str, task_type: str) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    worker = Worker(task_type, sleepy, thread_count=3, poll_timeout=2000)
    runner = TaskRunner(worker, Configuration(server_api_url=url))
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    print("ready", flush=True)
    runner.run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
