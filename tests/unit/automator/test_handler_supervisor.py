"""Supervision decisions with fake processes: backoff, crash loops, giving up, wedges."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from conductor.client.automator._supervisor import (
    RestartPolicy,
    Supervisor,
    WorkerSlot,
    describe_exit,
)


class FakeProcess:
    """Just enough of multiprocessing.Process for the supervisor."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.exitcode: int | None = None
        self.killed = False
        self.sentinel = -1

    def is_alive(self) -> bool:
        return self.exitcode is None

    def kill(self) -> None:
        self.killed = True
        self.exitcode = -9


class FakeHeartbeat:
    def __init__(self) -> None:
        self.value = 0


class Harness:
    def __init__(self, policy: RestartPolicy, count: int = 1) -> None:
        self.slots = [
            WorkerSlot(i, object(), f"conductor-t{i}", f"t{i}", f"t{i}", FakeHeartbeat())
            for i in range(count)
        ]
        self.next_pid = 100
        self.restarted: list[str] = []
        for slot in self.slots:
            self.start(slot, now=0.0)
        self.supervisor = Supervisor(
            self.slots, threading.RLock(), self._start, self.restarted.append, policy
        )

    def start(self, slot: WorkerSlot, now: float) -> None:
        self.next_pid += 1
        slot.mark_started(FakeProcess(self.next_pid), now)  # type: ignore[arg-type]

    def _start(self, slot: WorkerSlot) -> None:
        self.start(slot, now=self.now)

    def check(self, now: float) -> None:
        self.now = now
        self.supervisor.check(now)

    def process(self, index: int = 0) -> Any:
        return self.slots[index].process


@pytest.mark.parametrize(
    ("failures", "delay"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 5.0), (60, 5.0)]
)
def test_restart_delay_doubles_up_to_the_cap(failures: int, delay: float) -> None:
    assert RestartPolicy(backoff_s=0.5, backoff_max_s=5.0).delay_s(failures) == delay


@pytest.mark.parametrize(
    ("exitcode", "text"),
    [(1, "exited with code 1"), (0, "exited with code 0"), (-9, "killed by signal SIGKILL")],
)
def test_describe_exit(exitcode: int, text: str) -> None:
    assert text in describe_exit(exitcode)


def test_dead_process_is_restarted_after_the_backoff(caplog: pytest.LogCaptureFixture) -> None:
    harness = Harness(RestartPolicy(backoff_s=1.0, backoff_max_s=8.0))
    harness.process().exitcode = 3
    harness.check(now=1.0)
    assert harness.slots[0].restart_at == 2.0
    harness.check(now=1.5)
    assert harness.restarted == []
    harness.check(now=2.0)
    assert harness.restarted == ["t0"]
    assert harness.slots[0].restart_count == 1
    assert harness.process().is_alive()
    assert "exited with code 3 unexpectedly" in caplog.text


def test_crash_loop_is_logged_loudly_every_time(caplog: pytest.LogCaptureFixture) -> None:
    harness = Harness(RestartPolicy(backoff_s=1.0, backoff_max_s=4.0))
    now = 0.0
    delays = []
    for _ in range(5):
        harness.process().exitcode = 1
        harness.check(now)
        restart_at = harness.slots[0].restart_at
        assert restart_at is not None
        delays.append(restart_at - now)
        now = restart_at
        harness.check(now)
    assert delays == [1.0, 2.0, 4.0, 4.0, 4.0]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 5
    assert all("CRASH LOOP" in message for message in errors[2:])
    assert "CRASH LOOP (5 consecutive failures)" in errors[4]


def test_a_long_run_resets_the_failure_streak() -> None:
    harness = Harness(RestartPolicy(backoff_s=1.0, backoff_max_s=10.0))
    for now in (0.0, 1.0):
        harness.process().exitcode = 1
        harness.check(now)
        harness.check(harness.slots[0].restart_at or 0.0)
    assert harness.slots[0].consecutive_failures == 2
    harness.process().exitcode = 1
    harness.check(now=1000.0)
    assert harness.slots[0].consecutive_failures == 1
    assert harness.slots[0].restart_at == 1001.0


def test_gives_up_after_max_attempts(caplog: pytest.LogCaptureFixture) -> None:
    harness = Harness(RestartPolicy(backoff_s=0.1, max_attempts=2))
    now = 0.0
    for _ in range(3):
        harness.process().exitcode = 1
        harness.check(now)
        now = harness.slots[0].restart_at or now
        harness.check(now)
    assert harness.slots[0].gave_up
    assert harness.slots[0].restart_count == 2
    assert any(
        r.levelno == logging.CRITICAL and "giving up" in r.getMessage() for r in caplog.records
    )


def test_wedged_process_is_killed_then_restarted(caplog: pytest.LogCaptureFixture) -> None:
    harness = Harness(RestartPolicy(backoff_s=0.5, wedge_timeout_s=10.0), count=2)
    for slot in harness.slots:
        slot.heartbeat.value = 1
    harness.check(now=1.0)
    harness.slots[1].heartbeat.value = 2
    harness.check(now=10.0)
    assert not harness.process(0).killed
    harness.slots[1].heartbeat.value = 3
    harness.check(now=11.5)
    wedged = harness.process(0)
    assert wedged.killed
    assert not harness.process(1).killed
    harness.check(now=11.6)
    harness.check(now=12.1)
    assert harness.restarted == ["t0"]
    assert harness.process(0) is not wedged
    assert "is wedged: no heartbeat for 10.5s" in caplog.text
    assert "after it stopped heartbeating" in caplog.text


def test_first_heartbeat_gets_a_startup_allowance() -> None:
    harness = Harness(RestartPolicy(wedge_timeout_s=5.0))
    harness.check(now=30.0)
    assert not harness.process().killed
    harness.check(now=66.0)
    assert harness.process().killed


def test_no_wedge_detection_when_disabled() -> None:
    harness = Harness(RestartPolicy(wedge_timeout_s=None))
    harness.slots[0].heartbeat.value = 1
    harness.check(now=1.0)
    harness.check(now=10_000.0)
    assert not harness.process().killed


def test_failed_restart_is_retried_with_backoff(caplog: pytest.LogCaptureFixture) -> None:
    harness = Harness(RestartPolicy(backoff_s=1.0))
    calls = []

    def failing_start(slot: WorkerSlot) -> None:
        calls.append(slot.index)
        raise OSError("no more processes")

    harness.supervisor._start_slot = failing_start
    harness.process().exitcode = 1
    harness.check(now=0.0)
    harness.check(now=1.0)
    assert calls == [0]
    assert harness.slots[0].restart_at == 3.0
    assert "could not restart worker process conductor-t0" in caplog.text


def test_status_of_a_slot() -> None:
    harness = Harness(RestartPolicy())
    assert harness.slots[0].status() == {
        "worker": "t0",
        "name": "conductor-t0",
        "pid": 101,
        "alive": True,
        "exitcode": None,
        "restart_count": 0,
        "wedged": False,
    }
