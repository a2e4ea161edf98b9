"""The parent's receiving end: one thread reads every worker's pipe (log records, metric deltas)."""

from __future__ import annotations

import logging
import threading
import time
from multiprocessing.connection import Connection, wait
from typing import Any

from conductor.client.automator._logging import MESSAGE_LOG, MESSAGE_METRICS, dispatch

logger = logging.getLogger(__name__)

_WAIT_S = 0.1


class Hub:
    """Receives from the workers' pipes, dispatches log records, aggregates and writes metrics.

    Args:
        metrics_settings: ``MetricsSettings`` or None (no metrics).
    """

    def __init__(self, metrics_settings: Any = None) -> None:
        self._settings = metrics_settings
        self._readers: list[Connection] = []
        self._lock = threading.Lock()
        self._stopping = False
        self._drain_deadline = 0.0
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._metrics: Any = None
        if metrics_settings is not None:
            from conductor.client.telemetry._output import MetricsOutput

            self._metrics = MetricsOutput(metrics_settings)

    def start(self) -> None:
        if self._metrics is not None:
            self._metrics.start()
        self._thread = threading.Thread(
            target=self._run, name="conductor-log-listener", daemon=True
        )
        self._thread.start()

    def add(self, reader: Connection) -> None:
        """Start reading a new worker's pipe."""
        with self._lock:
            self._readers.append(reader)

    def increment_restart(self, task_type: str) -> None:
        if self._metrics is not None:
            self._metrics.increment_restart(task_type)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Read what the (already exited) workers left in their pipes, then stop; idempotent."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            self._drain_deadline = time.monotonic() + timeout_s
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s + 1.0)
        with self._lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        if self._metrics is not None:
            self._metrics.stop()

    def _run(self) -> None:
        while True:
            with self._lock:
                readers = list(self._readers)
                stopping, deadline = self._stopping, self._drain_deadline
            if stopping and (not readers or time.monotonic() >= deadline):
                return
            if readers:
                for reader in wait(readers, timeout=_WAIT_S):
                    self._receive(reader)  # type: ignore[arg-type]
            else:
                self._wake.wait(_WAIT_S)
            if self._metrics is not None:
                self._metrics.write_if_due()

    def _receive(self, reader: Connection) -> None:
        try:
            kind, payload = reader.recv()
        except (EOFError, OSError):
            # The worker exited (or was killed): its pipe is finished.
            self._drop(reader)
            return
        except Exception:
            # A message that cannot be unpickled here; the stream itself is still in sync.
            logger.warning("dropped an unreadable message from a worker process", exc_info=True)
            return
        try:
            if kind == MESSAGE_LOG:
                dispatch(payload)
            elif kind == MESSAGE_METRICS and self._metrics is not None:
                self._metrics.merge(payload)
        except Exception:
            # A failing user handler must not stop the delivery of every other worker's logs.
            logger.exception("failed to handle a message from a worker process")

    def _drop(self, reader: Connection) -> None:
        with self._lock:
            if reader in self._readers:
                self._readers.remove(reader)
        reader.close()
