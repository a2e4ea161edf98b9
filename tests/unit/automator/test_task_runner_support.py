"""Helpers for the TaskRunner tests (no tests here): runners in threads, spies, workers."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

import pytest

from conductor.client.automator import _runner_poll, _runner_update
from conductor.client.automator._backoff import Backoff
from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker_interface import WorkerInterface

QUICK = Backoff(base_s=0.01, cap_s=0.05)


def new_task_type() -> str:
    """A task type no other test uses."""
    return f"rt_{uuid.uuid4().hex[:12]}"


def make_runner(server: InMemoryConductorServer, worker: WorkerInterface, **kw: Any) -> TaskRunner:
    return TaskRunner(worker, Configuration(server_api_url=server.url), **kw)


@contextmanager
def running(runner: TaskRunner, join_timeout_s: float = 30.0) -> Iterator[threading.Thread]:
    """Run ``runner`` in a thread; stop it and check that run() returned on exit."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            runner.run()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    thread = threading.Thread(target=target, name="test-runner", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        runner.stop()
        thread.join(join_timeout_s)
    assert not thread.is_alive(), "run() did not return after stop()"
    assert not errors, errors


def wait_until(predicate: Callable[[], Any], timeout_s: float = 10.0) -> None:
    """Poll ``predicate`` until truthy; TimeoutError naming it otherwise."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{getattr(predicate, '__qualname__', predicate)} stayed false")
        time.sleep(0.005)


def status_of(server: InMemoryConductorServer, task_id: str) -> str:
    return str(server.get_task(task_id)["status"])


def all_status(server: InMemoryConductorServer, task_ids: list[str], status: str) -> bool:
    return all(status_of(server, task_id) == status for task_id in task_ids)


class Heartbeats:
    """A heartbeat hook that counts its calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1

    def wait_for_more(self, n: int, timeout_s: float = 10.0) -> None:
        target = self.count + n
        wait_until(lambda: self.count >= target, timeout_s)


class CallSpy:
    """Wraps a client method, recording each call's keyword arguments and outcome."""

    def __init__(self, target: Any, name: str, before: Callable[[], Any] | None = None) -> None:
        self._inner = getattr(target, name)
        self._before = before
        self.calls: list[dict[str, Any]] = []
        setattr(target, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        record: dict[str, Any] = dict(kwargs, args=args)
        if self._before is not None:
            record["before"] = self._before()
        self.calls.append(record)
        result = self._inner(*args, **kwargs)
        record["result"] = result
        return result


class Gate:
    """Blocks executions until opened; counts how many run at once."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._lock = threading.Lock()
        self.running = 0
        self.max_running = 0
        self.started = 0

    def enter(self) -> None:
        with self._lock:
            self.running += 1
            self.started += 1
            self.max_running = max(self.max_running, self.running)

    def leave(self) -> None:
        with self._lock:
            self.running -= 1

    def wait(self, timeout_s: float = 30.0) -> None:
        self.enter()
        try:
            assert self._open.wait(timeout_s), "gate never opened"
        finally:
            self.leave()

    def open(self) -> None:
        self._open.set()


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every retry/backoff delay of the runner a few milliseconds."""
    monkeypatch.setattr(_runner_update, "UPDATE_BACKOFF", QUICK)
    monkeypatch.setattr(_runner_poll, "POLL_BACKOFF", QUICK)
    monkeypatch.setattr(_runner_poll, "AUTH_BACKOFF", Backoff(base_s=0.02, cap_s=0.1))
