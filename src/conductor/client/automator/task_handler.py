"""TaskHandler: one supervised OS process per worker, graceful stop, logs and metrics collected.

Lifecycle::

    handler = TaskHandler(workers, configuration)
    handler.start_processes()     # one process per worker, named conductor-<task>
    handler.join_processes()      # until Ctrl-C / SIGTERM (or stop_processes() elsewhere)
    handler.stop_processes()      # idempotent

``with TaskHandler(...) as handler: handler.start_processes()`` keeps the workers running until
the program receives Ctrl-C or SIGTERM (the block's end joins them), then stops them gracefully;
if the block raises, the workers are stopped at once (gracefully). Call ``stop_processes()``
inside the block to end it earlier.

A graceful stop asks every worker process to stop polling, finish the tasks it holds and post
their results; after ``stop_grace_seconds`` stragglers are terminated, then killed.

The start method is never set globally: the handler uses the one the application chose with
``multiprocessing.set_start_method``, else ``fork`` on Linux and ``spawn`` elsewhere. Under
``spawn`` and ``forkserver`` workers, configuration and metrics settings must be picklable (define
workers at module level of an importable module).
"""

from __future__ import annotations

import ctypes
import importlib
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Sequence
from multiprocessing.process import BaseProcess
from types import FrameType, TracebackType
from typing import Any

from conductor.client.automator._hub import Hub
from conductor.client.automator._logging import install_unconfigured_fallback, snapshot_levels
from conductor.client.automator._process import ChildSpec, run_worker_process, signals_blocked
from conductor.client.automator._shutdown import (
    end_stragglers,
    install_stop_handlers,
    request_stop,
    restore_handlers,
    wait_for_exit,
)
from conductor.client.automator._supervisor import RestartPolicy, Supervisor, WorkerSlot
from conductor.client.automator._workers import check_picklable, collect_workers, slots_for
from conductor.client.automator.worker_config import apply_worker_config, resolve_worker_config
from conductor.client.worker._registry import _decorated_functions, register_decorated_fn

__all__ = ["TaskHandler", "_decorated_functions", "register_decorated_fn"]

logger = logging.getLogger(__name__)


class TaskHandler:
    """Runs each worker in its own supervised process.

    Args:
        workers: a worker or a list of workers (``WorkerInterface``). The list is not modified.
        configuration: server ``Configuration`` handed to every worker process.
        metrics_settings: ``MetricsSettings`` to collect Prometheus metrics (``metrics`` extra).
        scan_for_annotated_workers: also run the functions decorated with ``@worker_task`` /
            ``@WorkerTask`` (None means True). A decorated worker that is also passed in
            ``workers`` (same task name and domain) runs once.
        import_modules: modules to import first, so their decorated workers are registered.
        stop_grace_seconds: how long a stop waits for tasks in flight to finish and post.
        monitor_processes: supervise the worker processes (restart, wedge detection).
        restart_on_failure: restart a process that exits unexpectedly.
        monitor_interval_seconds: longest pause between supervision passes.
        restart_backoff_seconds: first restart delay; doubles per consecutive failure.
        restart_backoff_max_seconds: cap of the restart delay.
        restart_max_attempts: consecutive failures before giving up on a worker (0: never).
        wedge_timeout_seconds: kill and restart a process whose runner has not reported progress
            for this long (None: never); the first heartbeat may take a minute longer.
        worker_ini_path: ``worker.ini`` to use instead of searching the cwd and the script dir.
        start_method: ``fork``, ``spawn`` or ``forkserver`` for these processes only.

    Raises:
        TypeError: ``workers`` is not a worker or a list of workers.
        ValueError: a worker configuration value (env or worker.ini) is invalid.
        ImportError: ``metrics_settings`` is given but prometheus-client is not installed.
    """

    def __init__(
        self,
        workers: Any = None,
        configuration: Any = None,
        metrics_settings: Any = None,
        scan_for_annotated_workers: bool | None = None,
        import_modules: Sequence[str] | None = None,
        *,
        stop_grace_seconds: float = 30.0,
        monitor_processes: bool = True,
        restart_on_failure: bool = True,
        monitor_interval_seconds: float = 0.5,
        restart_backoff_seconds: float = 1.0,
        restart_backoff_max_seconds: float = 60.0,
        restart_max_attempts: int = 0,
        wedge_timeout_seconds: float | None = 60.0,
        worker_ini_path: str | os.PathLike[str] | None = None,
        start_method: str | None = None,
    ) -> None:
        if isinstance(import_modules, str):
            import_modules = [import_modules]
        for module in import_modules or ():
            importlib.import_module(module)
        self.workers: list[Any] = collect_workers(workers, scan_for_annotated_workers)
        if metrics_settings is not None:
            from conductor.client.telemetry.metrics_collector import require_prometheus_client

            require_prometheus_client()
        for worker in self.workers:
            apply_worker_config(worker, resolve_worker_config(worker, worker_ini_path))
        self.configuration = configuration
        self.metrics_settings = metrics_settings
        self.task_runner_processes: list[BaseProcess] = []
        self.metrics_provider_process: BaseProcess | None = None  # metrics live in the parent
        self.logger_process: BaseProcess | None = None  # no logger process (records use pipes)
        self.queue: Any = None
        self._stop_grace_s = max(0.0, float(stop_grace_seconds))
        self._supervise = monitor_processes and restart_on_failure
        self._monitor_interval_s = float(monitor_interval_seconds)
        self._policy = RestartPolicy(
            restart_backoff_seconds,
            restart_backoff_max_seconds,
            restart_max_attempts,
            wedge_timeout_seconds,
        )
        self._start_method = start_method
        self._slots: list[WorkerSlot] = slots_for(self.workers)
        self._lock = threading.RLock()
        self._stop_lock = threading.Lock()
        self._stopped_event = threading.Event()
        self._started = False
        self._stopping = False
        self._hurry = False
        self._signals_received = 0
        self._context: Any = None
        self._method = ""  # fixed by start_processes()
        self._hub: Hub | None = None
        self._supervisor: Supervisor | None = None
        self._stop_flag: Any = None

    # --- context manager -----------------------------------------------------------------

    def __enter__(self) -> TaskHandler:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None and self._started and not self._stopped_event.is_set():
            self.join_processes()
        self.stop_processes()

    # --- start ---------------------------------------------------------------------------

    @property
    def start_method(self) -> str:
        """The start method these processes use (see the module docstring)."""
        if self._method:
            return self._method
        chosen = self._start_method or multiprocessing.get_start_method(allow_none=True)
        if chosen:
            return chosen
        return "fork" if sys.platform.startswith("linux") else "spawn"

    def start_processes(self) -> None:
        """Start one process per worker (and supervision); a second call does nothing.

        Raises:
            TypeError: under spawn/forkserver, a worker or the configuration cannot be pickled.
            RuntimeError: the handler was already stopped.
        """
        with self._lock:
            if self._stopped_event.is_set() or self._stopping:
                raise RuntimeError("this TaskHandler was stopped; create a new one")
            if self._started:
                logger.warning("start_processes() called twice; the workers are already running")
                return
            method = self.start_method
            if not self._slots:
                logger.warning("no workers to run: pass workers or decorate functions")
            if method != "fork":
                self._check_picklable(method)
            multiprocessing.freeze_support()
            install_unconfigured_fallback()  # worker records are handled by this process
            self._method = method
            self._context = multiprocessing.get_context(method)
            self._stop_flag = self._context.RawValue(ctypes.c_byte, 0)
            self._hub = Hub(self.metrics_settings)
            self._hub.start()
            self._started = True
            failure: BaseException | None = None
            try:
                for slot in self._slots:
                    slot.heartbeat = self._context.RawValue(ctypes.c_ulonglong, 0)
                    self._start_slot(slot)
            except BaseException as exc:
                failure = exc
            else:
                self._start_supervisor()
        if failure is not None:
            self.stop_processes()
            raise failure
        logger.info("started %d worker process(es) (start method %s)", len(self._slots), method)

    def _start_supervisor(self) -> None:
        if not self._supervise or self._hub is None:
            return
        self._supervisor = Supervisor(
            self._slots,
            self._lock,
            self._start_slot,
            self._hub.increment_restart,
            self._policy,
            self._monitor_interval_s,
        )
        self._supervisor.start()

    def _check_picklable(self, method: str) -> None:
        for slot in self._slots:
            check_picklable(slot.worker, f"worker {slot.worker_name!r}", method)
        check_picklable(self.configuration, "the configuration", method)
        check_picklable(self.metrics_settings, "the metrics settings", method)

    def _start_slot(self, slot: WorkerSlot) -> None:
        """Start a process for ``slot`` (lock held; also used by the supervisor to restart)."""
        assert self._hub is not None
        reader, writer = self._context.Pipe(duplex=False)
        interval_s = float(getattr(self.metrics_settings, "update_interval", 1.0) or 1.0)
        current = threading.current_thread()
        spec = ChildSpec(
            worker=slot.worker,
            configuration=self.configuration,
            metrics_settings=self.metrics_settings,
            worker_name=slot.worker_name,
            writer=writer,
            heartbeat=slot.heartbeat,
            stop_flag=self._stop_flag,
            parent_pid=os.getpid(),
            start_method=self._method,
            # The kernel signals on the death of the creating *thread*: only long-lived ones.
            set_parent_death_signal=current is threading.main_thread()
            or current is self._supervisor,
            grace_seconds=self._stop_grace_s,
            metrics_interval_seconds=min(max(interval_s, 0.1), 1.0),
            log_levels=snapshot_levels(),
        )
        process = self._context.Process(
            target=run_worker_process, args=(spec,), name=slot.process_name
        )
        slot.heartbeat.value = 0
        try:
            with signals_blocked():
                process.start()
        except BaseException:
            reader.close()
            raise
        finally:
            writer.close()
        self._hub.add(reader)
        slot.mark_started(process, time.monotonic())
        if slot.index < len(self.task_runner_processes):
            self.task_runner_processes[slot.index] = process
        else:
            self.task_runner_processes.append(process)

    # --- join ----------------------------------------------------------------------------

    def join_processes(self) -> None:
        """Wait until the workers are stopped; Ctrl-C or SIGTERM stops them gracefully.

        A second Ctrl-C/SIGTERM during the graceful stop skips the rest of the grace period.
        """
        if not self._started or not self._slots:
            return
        previous = install_stop_handlers(self._on_signal)
        try:
            while not self._stopped_event.is_set():
                if self._signals_received:
                    logger.info("stop requested by signal; stopping the workers gracefully")
                    self.stop_processes()
                    break
                if not self._anything_running():
                    break
                self._stopped_event.wait(0.2)
        except KeyboardInterrupt:
            logger.info("interrupted; stopping the workers gracefully")
            self.stop_processes()
        finally:
            restore_handlers(previous)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Signal handler: set flags only; the joining thread does the work.
        self._signals_received += 1
        if self._stopping:
            self._hurry = True

    # --- stop ----------------------------------------------------------------------------

    def stop_processes(self) -> None:
        """Stop the workers gracefully; idempotent, safe before ``start_processes()``.

        Every process is asked to stop (SIGTERM and a shared flag): it stops polling, finishes
        the tasks it holds and posts their results. After ``stop_grace_seconds`` the remaining
        processes are terminated, then killed. Log records the workers sent last are delivered
        before this returns.
        """
        with self._stop_lock:
            if not self._started or self._stopped_event.is_set():
                return
            self._stopping = True
            try:
                self._stop_all()
            finally:
                self._stopped_event.set()

    def _stop_all(self) -> None:
        if self._supervisor is not None:
            self._supervisor.stop()
        interrupted: KeyboardInterrupt | None = None
        with self._lock:
            processes = [p for p in self._processes() if p.is_alive()]
            if self._stop_flag is not None:
                self._stop_flag.value = 1
            for process in processes:
                request_stop(process)
        try:
            wait_for_exit(processes, self._stop_grace_s, lambda: self._hurry)
        except KeyboardInterrupt as exc:
            interrupted, self._hurry = exc, True
        reason = "the stop was hurried" if self._hurry else "the grace period is over"
        end_stragglers(processes, reason)
        if self._hub is not None:
            self._hub.stop()
        logger.info("worker processes stopped")
        if interrupted is not None:
            raise interrupted

    # --- status --------------------------------------------------------------------------

    def _anything_running(self) -> bool:
        """A worker process is alive, or will be (a restart is pending or can still happen)."""
        with self._lock:
            return any(
                slot.process is not None
                and (
                    slot.process.is_alive()
                    or slot.restart_at is not None
                    or (self._supervise and not slot.gave_up)
                )
                for slot in self._slots
            )

    def _processes(self) -> list[BaseProcess]:
        return [slot.process for slot in self._slots if slot.process is not None]

    def is_healthy(self) -> bool:
        """True while started, not stopping, and every worker process is alive and responsive."""
        if not self._started or self._stopping:
            return False
        with self._lock:
            return all(
                slot.process is not None
                and slot.process.is_alive()
                and slot.restart_at is None
                and not slot.wedged
                for slot in self._slots
            )

    def get_worker_process_status(self) -> list[dict[str, Any]]:
        """One dict per worker: worker, name, pid, alive, exitcode, restart_count, wedged."""
        with self._lock:
            return [slot.status() for slot in self._slots]
