"""Worker metrics, aggregated across worker processes, in Prometheus text format.

Install the extra: ``pip install 'conductor-python[metrics]'``. Pass ``MetricsSettings`` to
``TaskHandler``; each worker process records into a process-local store, sends what changed to the
parent about every ``update_interval`` seconds (and when it exits), and the parent writes the sum
of all processes to ``<directory>/<file_name>`` every ``update_interval`` seconds (and serves it on
``http://<host>:<http_port>/metrics`` when ``MetricsSettings.http_port`` is set).

Exported metrics (counters carry the ``_total`` suffix; histograms the usual ``_bucket``,
``_count`` and ``_sum`` series):

========================================  =========  ===========================================
name                                        type       labels
========================================  =========  ===========================================
``task_poll_total``                         counter    ``taskType``
``task_poll_empty_total``                   counter    ``taskType``
``task_poll_error_total``                   counter    ``taskType``, ``exception``
``task_execution_started_total``            counter    ``taskType``
``task_execute_error_total``                counter    ``taskType``, ``exception``
``task_update_error_total``                 counter    ``taskType``, ``exception``
``task_paused_total``                       counter    ``taskType``
``task_execution_queue_full_total``         counter    ``taskType``
``task_ack_failed_total``                   counter    ``taskType``
``task_ack_error_total``                    counter    ``taskType``, ``exception``
``thread_uncaught_exceptions_total``        counter    (none)
``external_payload_used_total``           counter    ``entityName``, ``operation``, ``payload_type``
``workflow_start_error_total``              counter    ``workflowType``, ``exception``
``worker_restart_total``                    counter    ``taskType``
``task_poll_time_seconds``                  histogram  ``taskType``
``task_execute_time_seconds``               histogram  ``taskType``
``task_update_time_seconds``                histogram  ``taskType``
``http_api_client_request_seconds``         histogram  (none)
``task_result_size_bytes``                  histogram  ``taskType``
``workflow_input_size_bytes``               histogram  ``workflowType``, ``version``
========================================  =========  ===========================================

``exception`` is the exception's class name. Latency buckets run from 1 ms to 60 s; size buckets
from 64 B to 16 MiB. ``task_result_size_bytes`` is the JSON size of the task's output data.

The worker runtime itself records the task, poll, update and restart series. The others
(queue full, ack, uncaught exceptions, external payload, workflow start, HTTP request time,
workflow input size) exist for code that calls the matching ``MetricsCollector`` methods, as
conductor-python's collector offers them; the runtime never records them.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import time
from typing import Any

from conductor.client.telemetry._store import MetricsStore, local_store, render_text
from conductor.client.telemetry.model.metric_name import MetricName

logger = logging.getLogger(__name__)

_INSTALL_HINT = (
    "metrics need the prometheus-client package: pip install 'conductor-python[metrics]'"
)


def require_prometheus_client() -> None:
    """Raise a clear ImportError when the ``metrics`` extra is not installed."""
    if importlib.util.find_spec("prometheus_client") is None:
        raise ImportError(_INSTALL_HINT)


def exception_label(exception: Any) -> str:
    """The ``exception`` label: the class name of an exception instance or class."""
    if isinstance(exception, type):
        return exception.__name__
    if isinstance(exception, BaseException):
        return type(exception).__name__
    return str(exception)


def metrics_file_path(settings: Any) -> str:
    """``<directory>/<file_name>`` of ``MetricsSettings``."""
    directory = getattr(settings, "directory", None) or tempfile.gettempdir()
    return os.path.join(directory, getattr(settings, "file_name", None) or "metrics.log")


def metrics_interval_s(settings: Any) -> float:
    """``update_interval`` of ``MetricsSettings`` in seconds (0.1 if unset, at least 0.01)."""
    return max(float(getattr(settings, "update_interval", 0.1) or 0.1), 0.01)


def write_metrics_file(store: MetricsStore, path: str) -> None:
    """Write ``store`` to ``path`` atomically (readers never see a half-written file)."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as fh:
        fh.write(render_text(store))
    os.replace(temporary, path)


class MetricsCollector:
    """Records worker metrics for the current process.

    Inside a worker process started by ``TaskHandler`` the values reach the parent, which
    aggregates all processes; elsewhere they stay in this process and
    :meth:`provide_metrics` can write them out.

    Args:
        settings: ``MetricsSettings``; kept for the file location used by :meth:`provide_metrics`.

    Raises:
        ImportError: prometheus-client is not installed.
    """

    def __init__(self, settings: Any = None) -> None:
        require_prometheus_client()
        self.settings = settings
        self._store = local_store()

    # counters ------------------------------------------------------------------------------

    def _count(self, name: MetricName, *labels: str) -> None:
        self._store.increment(name, labels)

    def increment_task_poll(self, task_type: str) -> None:
        self._count(MetricName.TASK_POLL, task_type)

    def increment_task_poll_empty(self, task_type: str) -> None:
        self._count(MetricName.TASK_POLL_EMPTY, task_type)

    def increment_task_poll_error(self, task_type: str, exception: Any) -> None:
        self._count(MetricName.TASK_POLL_ERROR, task_type, exception_label(exception))

    def increment_task_execution(self, task_type: str) -> None:
        self._count(MetricName.TASK_EXECUTION_STARTED, task_type)

    def increment_task_execution_error(self, task_type: str, exception: Any) -> None:
        self._count(MetricName.TASK_EXECUTE_ERROR, task_type, exception_label(exception))

    def increment_task_update_error(self, task_type: str, exception: Any) -> None:
        self._count(MetricName.TASK_UPDATE_ERROR, task_type, exception_label(exception))

    def increment_task_paused(self, task_type: str) -> None:
        self._count(MetricName.TASK_PAUSED, task_type)

    def increment_task_execution_queue_full(self, task_type: str) -> None:
        self._count(MetricName.TASK_EXECUTION_QUEUE_FULL, task_type)

    def increment_task_ack_failed(self, task_type: str) -> None:
        self._count(MetricName.TASK_ACK_FAILED, task_type)

    def increment_task_ack_error(self, task_type: str, exception: Any) -> None:
        self._count(MetricName.TASK_ACK_ERROR, task_type, exception_label(exception))

    def increment_uncaught_exception(self) -> None:
        self._count(MetricName.THREAD_UNCAUGHT_EXCEPTION)

    def increment_external_payload_used(
        self, entity_name: str, operation: str, payload_type: str
    ) -> None:
        self._count(MetricName.EXTERNAL_PAYLOAD_USED, entity_name, operation, payload_type)

    def increment_workflow_start_error(self, workflow_type: str, exception: Any) -> None:
        self._count(MetricName.WORKFLOW_START_ERROR, workflow_type, exception_label(exception))

    def increment_worker_restart(self, task_type: str) -> None:
        self._count(MetricName.WORKER_RESTART, task_type)

    # histograms ----------------------------------------------------------------------------

    def record_task_poll_time(self, task_type: str, seconds: float) -> None:
        self._store.observe(MetricName.TASK_POLL_TIME, (task_type,), seconds)

    def record_task_execute_time(self, task_type: str, seconds: float) -> None:
        self._store.observe(MetricName.TASK_EXECUTE_TIME, (task_type,), seconds)

    def record_task_update_time(self, task_type: str, seconds: float) -> None:
        self._store.observe(MetricName.TASK_UPDATE_TIME, (task_type,), seconds)

    def record_api_request_time(self, seconds: float) -> None:
        self._store.observe(MetricName.API_REQUEST_TIME, (), seconds)

    def record_task_result_payload_size(self, task_type: str, size_bytes: int) -> None:
        self._store.observe(MetricName.TASK_RESULT_SIZE, (task_type,), float(size_bytes))

    def record_workflow_input_payload_size(
        self, workflow_type: str, version: str, size_bytes: int
    ) -> None:
        labels = (workflow_type, str(version))
        self._store.observe(MetricName.WORKFLOW_INPUT_SIZE, labels, float(size_bytes))

    # output --------------------------------------------------------------------------------

    @staticmethod
    def provide_metrics(settings: Any) -> None:
        """Write this process's metrics to the settings' file every ``update_interval``; forever.

        ``TaskHandler`` does not need this: it aggregates its worker processes itself.
        """
        require_prometheus_client()
        path = metrics_file_path(settings)
        interval_s = metrics_interval_s(settings)
        while True:
            try:
                write_metrics_file(local_store(), path)
            except OSError as exc:
                logger.warning("cannot write metrics file %s: %s", path, exc)
            time.sleep(interval_s)
