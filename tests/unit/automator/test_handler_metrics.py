"""Metrics: per-process stores merge exactly; names, labels and the text format; file and HTTP."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any, Callable

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conductor.client.configuration.settings.metrics_settings import MetricsSettings
from conductor.client.telemetry._output import MetricsOutput
from conductor.client.telemetry._store import MetricsStore, render_text
from conductor.client.telemetry.metrics_collector import (
    MetricsCollector,
    exception_label,
    write_metrics_file,
)
from conductor.client.telemetry.model.metric_name import MetricName

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _samples(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


T = (("taskType", "t"),)
TE = (("exception", "ValueError"), ("taskType", "t"))

COUNTERS: list[tuple[Callable[[MetricsCollector], None], str, tuple[tuple[str, str], ...]]] = [
    (lambda m: m.increment_task_poll("t"), "task_poll_total", T),
    (lambda m: m.increment_task_poll_empty("t"), "task_poll_empty_total", T),
    (lambda m: m.increment_task_poll_error("t", ValueError("x")), "task_poll_error_total", TE),
    (lambda m: m.increment_task_execution("t"), "task_execution_started_total", T),
    (lambda m: m.increment_task_execution_error("t", ValueError), "task_execute_error_total", TE),
    (lambda m: m.increment_task_update_error("t", ValueError()), "task_update_error_total", TE),
    (lambda m: m.increment_task_paused("t"), "task_paused_total", T),
    (lambda m: m.increment_worker_restart("t"), "worker_restart_total", T),
    (lambda m: m.increment_uncaught_exception(), "thread_uncaught_exceptions_total", ()),
    (
        lambda m: m.increment_workflow_start_error("wf", ValueError()),
        "workflow_start_error_total",
        (("exception", "ValueError"), ("workflowType", "wf")),
    ),
]


@pytest.fixture
def collector() -> MetricsCollector:
    collector = MetricsCollector(None)
    collector._store = MetricsStore()  # isolated from this process's store
    return collector


@pytest.mark.parametrize(("record", "name", "labels"), COUNTERS)
def test_counter_names_and_labels(
    collector: MetricsCollector,
    record: Callable[[MetricsCollector], None],
    name: str,
    labels: tuple[tuple[str, str], ...],
) -> None:
    record(collector)
    record(collector)
    assert _samples(render_text(collector._store).decode())[(name, labels)] == 2.0


@pytest.mark.parametrize(
    ("record", "name"),
    [
        (MetricsCollector.record_task_poll_time, "task_poll_time_seconds"),
        (MetricsCollector.record_task_execute_time, "task_execute_time_seconds"),
        (MetricsCollector.record_task_update_time, "task_update_time_seconds"),
    ],
)
def test_latency_histograms(
    collector: MetricsCollector, record: Callable[[Any, str, float], None], name: str
) -> None:
    for seconds in (0.001, 0.003, 0.2, 100.0):
        record(collector, "t", seconds)
    samples = _samples(render_text(collector._store).decode())
    bucket = f"{name}_bucket"
    assert samples[(bucket, (("le", "0.001"), *T))] == 1  # bounds are inclusive
    assert samples[(bucket, (("le", "0.005"), *T))] == 2
    assert samples[(bucket, (("le", "0.25"), *T))] == 3
    assert samples[(bucket, (("le", "60.0"), *T))] == 3
    assert samples[(bucket, (("le", "+Inf"), *T))] == 4
    assert samples[(f"{name}_count", T)] == 4
    assert samples[(f"{name}_sum", T)] == pytest.approx(100.204)


def test_result_size_histogram_in_bytes(collector: MetricsCollector) -> None:
    collector.record_task_result_payload_size("t", 100)
    collector.record_task_result_payload_size("t", 5000)
    samples = _samples(render_text(collector._store).decode())
    assert samples[("task_result_size_bytes_bucket", (("le", "256.0"), *T))] == 1
    assert samples[("task_result_size_bytes_count", T)] == 2
    assert samples[("task_result_size_bytes_sum", T)] == 5100


def test_deltas_from_many_stores_add_up() -> None:
    parent = MetricsStore()
    children = [MetricsStore() for _ in range(3)]
    for index, child in enumerate(children):
        for _ in range(index + 1):
            child.increment(MetricName.TASK_POLL, ("t",))
            child.observe(MetricName.TASK_EXECUTE_TIME, ("t",), 0.5)
        parent.merge(child.take_delta())
        assert child.take_delta() == {}
    children[0].increment(MetricName.TASK_POLL, ("t",))
    parent.merge(children[0].take_delta())
    samples = _samples(render_text(parent).decode())
    assert samples[("task_poll_total", T)] == 7
    assert samples[("task_execute_time_seconds_count", T)] == 6
    assert samples[("task_execute_time_seconds_sum", T)] == 3.0


@pytest.mark.parametrize(
    ("exception", "label"),
    [(ValueError("boom"), "ValueError"), (KeyError, "KeyError"), ("FAILED", "FAILED")],
)
def test_exception_label_is_the_class_name(exception: Any, label: str) -> None:
    assert exception_label(exception) == label


def test_metrics_file_is_replaced_atomically(tmp_path: Path) -> None:
    store = MetricsStore()
    store.increment(MetricName.TASK_POLL, ("t",))
    path = tmp_path / "sub" / "metrics.log"
    write_metrics_file(store, str(path))
    write_metrics_file(store, str(path))
    assert _samples(path.read_text())[("task_poll_total", T)] == 1
    assert [p.name for p in path.parent.iterdir()] == ["metrics.log"]


def test_metrics_served_over_http(tmp_path: Path) -> None:
    settings = MetricsSettings(
        directory=str(tmp_path), file_name="m.prom", http_port=0, http_host="127.0.0.1"
    )
    output = MetricsOutput(settings)
    output.start()
    try:
        output.increment_restart("t")
        with urllib.request.urlopen(f"http://127.0.0.1:{output.server_port}/metrics") as reply:
            text = reply.read().decode()
    finally:
        output.stop()
    assert _samples(text)[("worker_restart_total", T)] == 1
    assert _samples((tmp_path / "m.prom").read_text())[("worker_restart_total", T)] == 1
