"""What runs inside a worker process: logging, signals, parent watch, metrics flush, the runner."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from conductor.client.automator._logging import (
    MESSAGE_METRICS,
    Channel,
    configure_child_logging,
)

if TYPE_CHECKING:
    from conductor.client.automator.task_runner import TaskRunner

logger = logging.getLogger(__name__)

DRAIN_MARGIN_S = 5.0
"""Part of the stop grace period left for the process to exit after the runner drained."""

_PR_SET_PDEATHSIG = 1
_WATCH_INTERVAL_S = 0.2
_HANDLED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT") if hasattr(signal, name)
)


@dataclass
class ChildSpec:
    """Everything a worker process needs; pickled to the child under spawn/forkserver."""

    worker: Any
    configuration: Any
    metrics_settings: Any
    worker_name: str
    writer: Connection
    heartbeat: Any  # multiprocessing RawValue(c_ulonglong): bumped by runner.heartbeat
    stop_flag: Any  # multiprocessing RawValue(c_byte): set by the parent to ask for a stop
    parent_pid: int
    start_method: str
    set_parent_death_signal: bool
    grace_seconds: float
    metrics_interval_seconds: float
    log_levels: dict[str, int] = field(default_factory=dict)


class _StopRequest:
    """Stop state shared by the signal handler, the watchdog thread and the main thread."""

    def __init__(self) -> None:
        self.requested = False
        self.runner: Any = None

    def request(self, *_: object) -> None:
        # Runs inside a signal handler: flip flags only (no locks, no logging).
        self.requested = True
        runner = self.runner
        if runner is not None:
            runner.stop()

    def attach(self, runner: Any) -> None:
        self.runner = runner
        if self.requested:
            runner.stop()


def run_worker_process(spec: ChildSpec) -> None:
    """Target of every worker process (module level, so spawn can import it)."""
    stop = _StopRequest()
    _install_signal_handlers(stop)
    channel = Channel(spec.writer)
    configure_child_logging(channel, spec.worker_name, spec.log_levels)
    if spec.set_parent_death_signal:
        _set_parent_death_signal()
    watchdog = _Watchdog(spec, stop)
    watchdog.start()
    flusher: _MetricsFlusher | None = None
    if spec.metrics_settings is not None:
        flusher = _MetricsFlusher(channel, spec.metrics_interval_seconds)
        flusher.start()
    exit_code = 0
    try:
        exit_code = _run_runner(spec, stop)
    finally:
        watchdog.finish()
        if flusher is not None:
            flusher.finish()
        channel.close()
    if exit_code:
        sys.exit(exit_code)


def drain_deadline_s(grace_seconds: float) -> float:
    """How long a stopping runner may retry results, so that it exits within the grace period.

    The margin (at most :data:`DRAIN_MARGIN_S`, half of a short grace period) covers closing
    the runner, the last metrics flush and the exit itself.
    """
    grace = max(0.0, grace_seconds)
    return max(grace / 2.0, grace - DRAIN_MARGIN_S)


def build_runner(spec: ChildSpec) -> TaskRunner:
    """The TaskRunner of a worker process, wired to the parent's heartbeat and grace period."""
    from conductor.client.automator.task_runner import TaskRunner

    runner = TaskRunner(
        spec.worker,
        spec.configuration,
        spec.metrics_settings,
        drain_deadline_s=drain_deadline_s(spec.grace_seconds),
    )
    runner.heartbeat = _Heartbeat(spec.heartbeat)
    return runner


def _quiet_transport_retries() -> None:
    """Keep urllib3's per-retry warnings out of worker processes, unless the user set a level.

    The runner reports a failing server once per streak of failures; urllib3 would add a
    warning for every retry of every poll.
    """
    pool_logger = logging.getLogger("urllib3.connectionpool")
    if pool_logger.level == logging.NOTSET:
        pool_logger.setLevel(logging.ERROR)


def _run_runner(spec: ChildSpec, stop: _StopRequest) -> int:
    _quiet_transport_retries()
    try:
        runner = build_runner(spec)
        stop.attach(runner)
        logger.debug("worker process %s started (pid %d)", spec.worker_name, os.getpid())
        runner.run()
    except BaseException:
        logger.exception("worker process for %s failed", spec.worker_name)
        return 1
    if not stop.requested:
        logger.error("the task runner for %s returned without being stopped", spec.worker_name)
        return 1
    logger.debug("worker process %s stopped", spec.worker_name)
    return 0


class _Heartbeat:
    """``runner.heartbeat``: bumps a counter in shared memory that the parent watches."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def __call__(self) -> None:
        self._value.value = (self._value.value + 1) & 0xFFFFFFFFFFFFFFFF


def _install_signal_handlers(stop: _StopRequest) -> None:
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent owns Ctrl-C
    signal.signal(signal.SIGTERM, stop.request)
    if hasattr(signal, "pthread_sigmask"):
        # The parent blocks these around start(); pending ones are delivered from here on.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, set(_HANDLED_SIGNALS))


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Block SIGTERM/SIGINT in this thread while a child is started (it inherits the mask)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(_HANDLED_SIGNALS))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _set_parent_death_signal() -> None:
    """Linux: receive SIGTERM when the parent dies, so no worker outlives its handler."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
            logger.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    except (OSError, AttributeError) as exc:
        logger.debug("prctl(PR_SET_PDEATHSIG) unavailable: %s", exc)


class _Watchdog(threading.Thread):
    """Stops the runner when the parent asks (stop flag) or dies; exits hard if it stays dead."""

    def __init__(self, spec: ChildSpec, stop: _StopRequest) -> None:
        super().__init__(name="conductor-watchdog", daemon=True)
        self._spec = spec
        self._stop = stop
        self._done = threading.Event()
        self._expected_ppid = spec.parent_pid if spec.start_method != "forkserver" else None
        if self._expected_ppid is None and hasattr(os, "getppid"):
            self._expected_ppid = os.getppid()

    def run(self) -> None:
        while not self._done.wait(_WATCH_INTERVAL_S):
            if self._spec.stop_flag.value and not self._stop.requested:
                self._stop.request()
            elif not self._parent_alive():
                self._on_parent_death()
                return

    def _parent_alive(self) -> bool:
        if os.name == "posix":
            return os.getppid() == self._expected_ppid
        import multiprocessing

        parent = multiprocessing.parent_process()
        return parent is None or parent.is_alive()

    def _on_parent_death(self) -> None:
        logger.warning("parent process died; %s stops", self._spec.worker_name)
        self._stop.request()
        # Nobody is left to kill this process if the drain hangs, so it enforces its own limit.
        if not self._done.wait(self._spec.grace_seconds + 5.0):
            os._exit(70)

    def finish(self) -> None:
        self._done.set()


class _MetricsFlusher(threading.Thread):
    """Sends this process's metric deltas to the parent periodically and once at the end."""

    def __init__(self, channel: Channel, interval_s: float) -> None:
        super().__init__(name="conductor-metrics", daemon=True)
        self._channel = channel
        self._interval_s = max(interval_s, 0.05)
        self._done = threading.Event()
        from conductor.client.telemetry._store import local_store

        self._store = local_store()
        self._store.clear()  # a forked child starts from zero

    def run(self) -> None:
        while not self._done.wait(self._interval_s):
            self.flush()

    def flush(self) -> None:
        delta = self._store.take_delta()
        if delta:
            self._channel.send(MESSAGE_METRICS, delta)

    def finish(self) -> None:
        self._done.set()
        self.join(timeout=5.0)
        self.flush()
