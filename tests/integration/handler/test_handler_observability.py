"""Worker logs reach the parent's handlers; metrics from every process are summed in one file."""

from __future__ import annotations

import io
import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import handler_workers
import pytest
from handler_support import all_alive, completed
from prometheus_client.parser import text_string_to_metric_families

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.settings.metrics_settings import MetricsSettings
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker

pytestmark = pytest.mark.integration

MakeHandler = Callable[..., TaskHandler]


@pytest.fixture
def worker_log() -> Iterator[io.StringIO]:
    """A handler of the application's own, on the worker module's logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(processName)s|%(worker_name)s|%(message)s"))
    target = logging.getLogger("handler_workers")
    target.addHandler(handler)
    yield stream
    target.removeHandler(handler)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_worker_log_lines_reach_the_parent_handler_once(
    server: InMemoryConductorServer,
    make_handler: MakeHandler,
    task_type: str,
    worker_log: io.StringIO,
    start_method: str,
) -> None:
    handler = make_handler(Worker(task_type, handler_workers.chatty), start_method=start_method)
    task_id = server.enqueue_task(task_type, {"message": "hello from the child"})
    handler.start_processes()
    server.wait_for(completed(server, [task_id]), timeout=30)
    server.wait_for(lambda: "hello from the child" in worker_log.getvalue())
    handler.stop_processes()

    lines = [line for line in worker_log.getvalue().splitlines() if "hello" in line]
    assert lines == [f"conductor-{task_type}|{task_type}|worker says hello from the child"]


def _samples(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    samples = {}
    for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_file_sums_every_worker_process(
    server: InMemoryConductorServer, make_handler: MakeHandler, task_type: str, tmp_path: Path
) -> None:
    settings = MetricsSettings(
        directory=str(tmp_path), file_name="metrics.prom", update_interval=0.1
    )
    flaky_type, other_type = f"{task_type}_flaky", f"{task_type}_other"
    handler = make_handler(
        [
            Worker(flaky_type, handler_workers.flaky),
            Worker(flaky_type, handler_workers.flaky),
            Worker(other_type, handler_workers.whoami),
        ],
        metrics_settings=settings,
        restart_backoff_seconds=0.1,
    )
    handler.start_processes()
    metrics_file = tmp_path / "metrics.prom"
    server.wait_for(metrics_file.exists)
    server.wait_for(lambda: all_alive(handler))
    killed_pid = handler.task_runner_processes[2].pid
    assert killed_pid is not None
    os.kill(killed_pid, signal.SIGKILL)
    server.wait_for(lambda: handler.get_worker_process_status()[2]["restart_count"] == 1)
    server.wait_for(lambda: all_alive(handler))
    assert handler.task_runner_processes[2].pid != killed_pid

    flaky_ids = [server.enqueue_task(flaky_type, {"fail": i < 2}) for i in range(10)]
    other_ids = [server.enqueue_task(other_type) for _ in range(3)]
    server.wait_for(
        lambda: all(server.get_task(t)["status"] in ("COMPLETED", "FAILED") for t in flaky_ids)
    )
    server.wait_for(completed(server, other_ids))
    handler.stop_processes()

    samples = _samples(metrics_file)
    flaky, other = (("taskType", flaky_type),), (("taskType", other_type),)
    assert samples[("task_execution_started_total", flaky)] == 10
    assert samples[("task_execution_started_total", other)] == 3  # counted after the restart
    assert samples[("task_execute_time_seconds_count", flaky)] == 10
    assert samples[("task_result_size_bytes_count", flaky)] == 10
    failures = sum(
        value
        for (name, labels), value in samples.items()
        if name == "task_execute_error_total" and ("taskType", flaky_type) in labels
    )
    assert failures == 2
    assert samples[("task_poll_total", flaky)] >= 1
    assert samples[("task_poll_time_seconds_count", flaky)] == samples[("task_poll_total", flaky)]
    assert samples[("worker_restart_total", other)] == 1
    assert ("worker_restart_total", flaky) not in samples
