"""Parent side of the metrics: one merged store, written to a file and optionally served."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from conductor.client.telemetry._store import Delta, MetricsStore, make_registry
from conductor.client.telemetry.metrics_collector import (
    metrics_file_path,
    metrics_interval_s,
    require_prometheus_client,
    write_metrics_file,
)
from conductor.client.telemetry.model.metric_name import MetricName

logger = logging.getLogger(__name__)


class MetricsOutput:
    """Aggregates the worker processes' deltas; writes ``directory/file_name`` periodically.

    With ``settings.http_port`` set it also serves ``/metrics`` (Prometheus text format) on
    ``settings.http_host`` (default ``0.0.0.0``).
    """

    def __init__(self, settings: Any) -> None:
        require_prometheus_client()
        self.store = MetricsStore()
        self.path = metrics_file_path(settings)
        self._interval_s = metrics_interval_s(settings)
        self._port: int | None = getattr(settings, "http_port", None)
        self._host: str = getattr(settings, "http_host", None) or "0.0.0.0"
        self._lock = threading.Lock()
        self._dirty = True
        self._next_write = 0.0
        self._warned = False
        self._server: Any = None

    def start(self) -> None:
        self.write_if_due()
        if self._port is not None:
            self._serve()

    def merge(self, delta: Delta) -> None:
        self.store.merge(delta)
        self._dirty = True

    def increment_restart(self, task_type: str) -> None:
        self.store.increment(MetricName.WORKER_RESTART, (task_type,))
        self._dirty = True

    def write_if_due(self, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if not (force or (self._dirty and now >= self._next_write)):
                return
            self._dirty = False
            self._next_write = now + self._interval_s
            try:
                write_metrics_file(self.store, self.path)
            except OSError as exc:
                self._dirty = True
                if not self._warned:
                    self._warned = True
                    logger.warning("cannot write metrics file %s: %s", self.path, exc)

    def stop(self) -> None:
        self.write_if_due(force=True)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _serve(self) -> None:
        from wsgiref.simple_server import WSGIRequestHandler, make_server

        from prometheus_client import make_wsgi_app

        class _QuietHandler(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                logger.debug("metrics endpoint: %s", format % args)

        app = make_wsgi_app(make_registry(self.store))
        try:
            self._server = make_server(
                self._host, int(self._port or 0), app, handler_class=_QuietHandler
            )
        except OSError as exc:
            logger.error("cannot serve metrics on %s:%s: %s", self._host, self._port, exc)
            return
        thread = threading.Thread(
            target=self._server.serve_forever, name="conductor-metrics-http", daemon=True
        )
        thread.start()
        logger.info("serving metrics on http://%s:%d/metrics", self._host, self._server.server_port)

    @property
    def server_port(self) -> int | None:
        """The port actually bound (useful with ``http_port=0``)."""
        return None if self._server is None else int(self._server.server_port)
