"""Supervision of worker processes: restart the dead, kill and restart the wedged."""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any, Callable

from conductor.client.automator._backoff import Backoff

logger = logging.getLogger(__name__)

_CRASH_LOOP_AFTER = 3
_FIRST_BEAT_ALLOWANCE_S = 60.0  # start-up (imports, spawn) before the first heartbeat is due


@dataclass
class WorkerSlot:
    """One entry of ``TaskHandler.workers`` and the process currently running it."""

    index: int
    worker: Any
    process_name: str
    worker_name: str
    task_type: str
    heartbeat: Any = None
    process: BaseProcess | None = None
    started_at: float = 0.0
    restart_count: int = 0
    consecutive_failures: int = 0
    restart_at: float | None = None
    beat_value: int = 0
    beat_seen_at: float | None = None
    wedged: bool = False
    gave_up: bool = False

    def mark_started(self, process: BaseProcess, now: float) -> None:
        self.process = process
        self.started_at = now
        self.restart_at = None
        self.beat_value = 0
        self.beat_seen_at = None
        self.wedged = False

    def status(self) -> dict[str, Any]:
        process = self.process
        return {
            "worker": self.task_type,
            "name": self.process_name,
            "pid": None if process is None else process.pid,
            "alive": process is not None and process.is_alive(),
            "exitcode": None if process is None else process.exitcode,
            "restart_count": self.restart_count,
            "wedged": self.wedged,
        }


@dataclass(frozen=True)
class RestartPolicy:
    """Capped exponential backoff between restarts of one worker."""

    backoff_s: float = 1.0
    backoff_max_s: float = 60.0
    max_attempts: int = 0  # consecutive failures before giving up; 0 = never give up
    wedge_timeout_s: float | None = 60.0

    def delay_s(self, consecutive_failures: int) -> float:
        """Delay before the restart that follows ``consecutive_failures`` failures (no jitter)."""
        cap_s = max(self.backoff_max_s, 0.0)
        backoff = Backoff(
            base_s=min(max(self.backoff_s, 0.0), cap_s),
            cap_s=cap_s,
            jitter=0.0,
            failures=max(consecutive_failures, 1),
        )
        return backoff.delay_s()

    @property
    def stable_after_s(self) -> float:
        """A process that ran this long resets the failure streak."""
        return max(self.backoff_max_s, 10.0)


def describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "is not running"
    if exitcode < 0:
        try:
            return f"was killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"was killed by signal {-exitcode}"
    return f"exited with code {exitcode}"


class Supervisor(threading.Thread):
    """Watches the slots; restarts a process that exits unexpectedly or stops heartbeating.

    Args:
        slots: the handler's slots (shared; mutated only under ``lock``).
        lock: the handler's lock around process creation and replacement.
        start_slot: starts a new process for a slot (called with ``lock`` held).
        on_restart: called with the task type each time a process is restarted.
        policy: backoff and wedge settings.
        interval_s: longest sleep between checks (deaths wake the thread at once).
    """

    def __init__(
        self,
        slots: list[WorkerSlot],
        lock: threading.RLock,
        start_slot: Callable[[WorkerSlot], None],
        on_restart: Callable[[str], None],
        policy: RestartPolicy,
        interval_s: float = 0.5,
    ) -> None:
        super().__init__(name="conductor-supervisor", daemon=True)
        self._slots = slots
        self._lock = lock
        self._start_slot = start_slot
        self._on_restart = on_restart
        self._policy = policy
        self._interval_s = max(interval_s, 0.01)
        self._stop_event = threading.Event()

    def stop(self) -> None:
        """Stop supervising (no restart happens after this returns)."""
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                with self._lock:
                    if self._stop_event.is_set():
                        return
                    self.check(time.monotonic())
            except Exception:
                logger.exception("worker supervision failed; retrying")
            self._sleep()

    def _sleep(self) -> None:
        sentinels = [
            slot.process.sentinel
            for slot in self._slots
            if slot.process is not None and slot.restart_at is None and slot.process.is_alive()
        ]
        timeout = self._interval_s
        pending = [slot.restart_at for slot in self._slots if slot.restart_at is not None]
        if pending:
            timeout = max(0.0, min(timeout, min(pending) - time.monotonic()))
        if sentinels:
            wait(sentinels, timeout=timeout)
        else:
            self._stop_event.wait(timeout)

    def check(self, now: float) -> None:
        """One supervision pass over every slot (caller holds the lock)."""
        for slot in self._slots:
            if slot.gave_up or slot.process is None:
                continue
            if slot.restart_at is not None:
                if now >= slot.restart_at:
                    self._restart(slot, now)
            elif not slot.process.is_alive():
                self._on_exit(slot, now)
            else:
                self._check_heartbeat(slot, now)

    def _on_exit(self, slot: WorkerSlot, now: float) -> None:
        assert slot.process is not None
        ran_s = now - slot.started_at
        if ran_s >= self._policy.stable_after_s:
            slot.consecutive_failures = 0
        slot.consecutive_failures += 1
        failures = slot.consecutive_failures
        reason = "after it stopped heartbeating" if slot.wedged else "unexpectedly"
        what = (
            f"worker process {slot.process_name} (pid {slot.process.pid}) "
            f"{describe_exit(slot.process.exitcode)} {reason} after {ran_s:.1f}s"
        )
        limit = self._policy.max_attempts
        if limit and failures > limit:
            slot.gave_up = True
            logger.critical(
                "%s; giving up after %d consecutive failures (restart_max_attempts=%d)",
                what, failures - 1, limit,
            )  # fmt: skip
            return
        delay_s = self._policy.delay_s(failures)
        slot.restart_at = now + delay_s
        prefix = (
            f"CRASH LOOP ({failures} consecutive failures): "
            if failures >= _CRASH_LOOP_AFTER
            else ""
        )
        logger.error("%s%s; restart #%d in %.2fs", prefix, what, slot.restart_count + 1, delay_s)

    def _restart(self, slot: WorkerSlot, now: float) -> None:
        slot.restart_count += 1
        try:
            self._start_slot(slot)
        except Exception:
            slot.consecutive_failures += 1
            delay_s = self._policy.delay_s(slot.consecutive_failures)
            slot.restart_at = now + delay_s
            logger.exception(
                "could not restart worker process %s; next attempt in %.2fs",
                slot.process_name, delay_s,
            )  # fmt: skip
            return
        self._on_restart(slot.task_type)

    def _check_heartbeat(self, slot: WorkerSlot, now: float) -> None:
        timeout_s = self._policy.wedge_timeout_s
        if timeout_s is None or slot.heartbeat is None or slot.process is None:
            return
        value = int(slot.heartbeat.value)
        if value != slot.beat_value:
            slot.beat_value, slot.beat_seen_at = value, now
            return
        if slot.wedged:
            return
        if slot.beat_seen_at is None:
            silent_s, limit_s = now - slot.started_at, timeout_s + _FIRST_BEAT_ALLOWANCE_S
        else:
            silent_s, limit_s = now - slot.beat_seen_at, timeout_s
        if silent_s > limit_s:
            slot.wedged = True
            logger.error(
                "worker process %s (pid %s) is wedged: no heartbeat for %.1fs; killing it",
                slot.process_name, slot.process.pid, silent_s,
            )  # fmt: skip
            slot.process.kill()
