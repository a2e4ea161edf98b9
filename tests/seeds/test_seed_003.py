"""Seed 003 (swift-conductor worker guide): both blocks run unchanged with swift_conductor names."""

from __future__ import annotations

from pathlib import Path

import pytest
from seed_harness import compose, run_until_completed, snippet

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration

SAMPLE_OUTPUT = {"outputKey1": "value", "oddEven": 1, "mod": 4}


def test_worker_host_runs_sample_workers(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # 02 calls set_start_method('spawn') before its imports, then start_processes() inside
    # `with` and no join: the block's end joins, so the workers run until SIGTERM.
    text = compose(snippet("seed003_01.py"), snippet("seed003_02.py"))
    specs = [("task_1", {}, None), ("task_2", {}, None)]
    tasks = run_until_completed(conductor_server, tmp_path, text, specs)
    assert [task["outputData"] for task in tasks] == [SAMPLE_OUTPUT, SAMPLE_OUTPUT]


def test_swift_names_are_the_conductor_classes() -> None:
    from conductor.client.automator.task_handler import TaskHandler
    from conductor.client.configuration import configuration
    from conductor.client.configuration.settings import metrics_settings
    from conductor.client.http import models
    from conductor.client.worker import worker, worker_interface
    from swift_conductor.automation.worker_host import WorkerHost
    from swift_conductor.configuration import Configuration
    from swift_conductor.http.models import Task, TaskResult
    from swift_conductor.http.models.task_result_status import TaskResultStatus
    from swift_conductor.settings.metrics_settings import MetricsSettings
    from swift_conductor.worker.worker import Worker
    from swift_conductor.worker.worker_interface import WorkerAbc

    assert WorkerAbc is worker_interface.WorkerInterface
    assert Worker is worker.Worker
    assert issubclass(WorkerHost, TaskHandler)
    assert Configuration is configuration.Configuration
    assert MetricsSettings is metrics_settings.MetricsSettings
    assert (Task, TaskResult, TaskResultStatus) == (
        models.Task,
        models.TaskResult,
        models.TaskResultStatus,
    )
