"""Plain-Python metric accumulation, mergeable across processes, rendered by prometheus-client.

A worker process records into its process-local :class:`MetricsStore` and periodically sends
``take_delta()`` to the parent, which merges every child's deltas into one store and renders it.
Nothing here depends on ``PROMETHEUS_MULTIPROC_DIR`` or on import order.
"""

from __future__ import annotations

import bisect
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Union

from conductor.client.telemetry.model.metric_documentation import MetricDocumentation
from conductor.client.telemetry.model.metric_label import MetricLabel
from conductor.client.telemetry.model.metric_name import MetricName

COUNTER = "counter"
HISTOGRAM = "histogram"

LATENCY_BUCKETS_S: tuple[float, ...] = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
)  # fmt: skip
SIZE_BUCKETS_BYTES: tuple[float, ...] = (
    64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
)  # fmt: skip

_TASK = (MetricLabel.TASK_TYPE.value,)
_TASK_EXC = (MetricLabel.TASK_TYPE.value, MetricLabel.EXCEPTION.value)


@dataclass(frozen=True)
class MetricSpec:
    """How one metric is exported."""

    name: MetricName
    kind: str
    labels: tuple[str, ...]
    suffix: str = ""
    buckets: tuple[float, ...] = ()

    @property
    def exported_name(self) -> str:
        return self.name.value + self.suffix + ("_total" if self.kind == COUNTER else "")

    @property
    def documentation(self) -> str:
        return MetricDocumentation[self.name.name].value


def _counter(name: MetricName, labels: tuple[str, ...] = _TASK) -> MetricSpec:
    return MetricSpec(name, COUNTER, labels)


def _histogram(
    name: MetricName, suffix: str, buckets: tuple[float, ...], labels: tuple[str, ...] = _TASK
) -> MetricSpec:
    return MetricSpec(name, HISTOGRAM, labels, suffix, buckets)


SPECS: dict[MetricName, MetricSpec] = {
    spec.name: spec
    for spec in (
        _counter(MetricName.TASK_POLL),
        _counter(MetricName.TASK_POLL_EMPTY),
        _counter(MetricName.TASK_POLL_ERROR, _TASK_EXC),
        _counter(MetricName.TASK_EXECUTION_STARTED),
        _counter(MetricName.TASK_EXECUTE_ERROR, _TASK_EXC),
        _counter(MetricName.TASK_UPDATE_ERROR, _TASK_EXC),
        _counter(MetricName.TASK_PAUSED),
        _counter(MetricName.TASK_EXECUTION_QUEUE_FULL),
        _counter(MetricName.TASK_ACK_FAILED),
        _counter(MetricName.TASK_ACK_ERROR, _TASK_EXC),
        _counter(MetricName.THREAD_UNCAUGHT_EXCEPTION, ()),
        _counter(
            MetricName.EXTERNAL_PAYLOAD_USED,
            (
                MetricLabel.ENTITY_NAME.value,
                MetricLabel.OPERATION.value,
                MetricLabel.PAYLOAD_TYPE.value,
            ),
        ),
        _counter(
            MetricName.WORKFLOW_START_ERROR,
            (MetricLabel.WORKFLOW_TYPE.value, MetricLabel.EXCEPTION.value),
        ),
        _counter(MetricName.WORKER_RESTART),
        _histogram(MetricName.TASK_POLL_TIME, "_seconds", LATENCY_BUCKETS_S),
        _histogram(MetricName.TASK_EXECUTE_TIME, "_seconds", LATENCY_BUCKETS_S),
        _histogram(MetricName.TASK_UPDATE_TIME, "_seconds", LATENCY_BUCKETS_S),
        _histogram(MetricName.API_REQUEST_TIME, "_seconds", LATENCY_BUCKETS_S, ()),
        _histogram(MetricName.TASK_RESULT_SIZE, "_bytes", SIZE_BUCKETS_BYTES),
        _histogram(
            MetricName.WORKFLOW_INPUT_SIZE,
            "_bytes",
            SIZE_BUCKETS_BYTES,
            (MetricLabel.WORKFLOW_TYPE.value, MetricLabel.WORKFLOW_VERSION.value),
        ),
    )
}

# key: (metric base name, label values); value: float (counter) or
# [count per bucket..., count in +Inf, total count, sum] (histogram)
Key = tuple[str, tuple[str, ...]]
Value = Union[float, list[float]]
Delta = dict[Key, Value]


class MetricsStore:
    """Counters and histograms of one process (or the merged view of many); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: Delta = {}

    def increment(self, name: MetricName, labels: tuple[str, ...], amount: float = 1.0) -> None:
        key = (name.value, labels)
        with self._lock:
            self._values[key] = float(self._values.get(key, 0.0)) + amount  # type: ignore[arg-type]

    def observe(self, name: MetricName, labels: tuple[str, ...], value: float) -> None:
        buckets = SPECS[name].buckets
        key = (name.value, labels)
        index = bisect.bisect_left(buckets, value)
        with self._lock:
            histogram = self._values.get(key)
            if not isinstance(histogram, list):
                histogram = [0.0] * (len(buckets) + 3)
                self._values[key] = histogram
            histogram[index] += 1
            histogram[-2] += 1
            histogram[-1] += value

    def take_delta(self) -> Delta:
        """Everything recorded since the last call, and reset."""
        with self._lock:
            values, self._values = self._values, {}
        return values

    def merge(self, delta: Delta) -> None:
        """Add a delta taken from another store."""
        with self._lock:
            for key, value in delta.items():
                current = self._values.get(key)
                if isinstance(value, list):
                    if isinstance(current, list) and len(current) == len(value):
                        self._values[key] = [a + b for a, b in zip(current, value)]
                    else:
                        self._values[key] = list(value)
                else:
                    self._values[key] = float(current or 0.0) + float(value)  # type: ignore[arg-type]

    def snapshot(self) -> Delta:
        with self._lock:
            return {k: (list(v) if isinstance(v, list) else v) for k, v in self._values.items()}

    def clear(self) -> None:
        with self._lock:
            self._values = {}


_LOCAL: MetricsStore | None = None
_LOCAL_LOCK = threading.Lock()


def local_store() -> MetricsStore:
    """The store of this process; emptied in a forked child so it never resends parent counts."""
    global _LOCAL
    if _LOCAL is None:
        with _LOCAL_LOCK:
            if _LOCAL is None:
                _LOCAL = MetricsStore()
                if hasattr(os, "register_at_fork"):
                    os.register_at_fork(after_in_child=_LOCAL.clear)
    return _LOCAL


class _StoreCollector:
    """A prometheus-client collector that renders a :class:`MetricsStore`."""

    def __init__(self, store: MetricsStore) -> None:
        self._store = store

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily

        by_name: dict[str, list[tuple[tuple[str, ...], Value]]] = {}
        for (name, labels), value in sorted(self._store.snapshot().items()):
            by_name.setdefault(name, []).append((labels, value))
        for spec in SPECS.values():
            samples = by_name.get(spec.name.value, [])
            if spec.kind == COUNTER:
                family: Any = CounterMetricFamily(
                    spec.exported_name, spec.documentation, labels=spec.labels
                )
                for labels, value in samples:
                    family.add_metric(labels, float(value))  # type: ignore[arg-type]
            else:
                family = HistogramMetricFamily(
                    spec.exported_name, spec.documentation, labels=spec.labels
                )
                for labels, value in samples:
                    family.add_metric(labels, *_cumulative(spec.buckets, value))
            yield family


def _cumulative(bounds: tuple[float, ...], value: Value) -> tuple[list[tuple[str, float]], float]:
    assert isinstance(value, list)
    running = 0.0
    buckets = []
    for bound, count in zip((*map(_bound_text, bounds), "+Inf"), value[: len(bounds) + 1]):
        running += count
        buckets.append((bound, running))
    return buckets, value[-1]


def _bound_text(bound: float) -> str:
    return repr(float(bound))


def make_registry(store: MetricsStore) -> Any:
    """A prometheus-client registry exposing ``store`` (for the ``/metrics`` HTTP endpoint)."""
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_StoreCollector(store))
    return registry


def render_text(store: MetricsStore) -> bytes:
    """The store in Prometheus text exposition format."""
    from prometheus_client import generate_latest

    return bytes(generate_latest(make_registry(store)))
