"""Fixtures of the TaskHandler integration tests: a local server, a handler that always stops."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker import _registry


@pytest.fixture(autouse=True)
def short_long_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Idle runners hold polls for 200 ms instead of the default, so stops come sooner."""
    monkeypatch.setenv("CONDUCTOR_WORKER_ALL_POLL_TIMEOUT", "200")


@pytest.fixture
def server() -> Iterator[InMemoryConductorServer]:
    with InMemoryConductorServer() as running:
        yield running


@pytest.fixture
def configuration(server: InMemoryConductorServer) -> Configuration:
    return Configuration(server_api_url=server.url)


@pytest.fixture
def task_type() -> str:
    return f"handler_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def make_handler(configuration: Configuration) -> Iterator[Callable[..., TaskHandler]]:
    """Build TaskHandlers (no decorated workers unless asked); every one is stopped at the end."""
    built: list[TaskHandler] = []

    def make(workers: Any, **kwargs: Any) -> TaskHandler:
        kwargs.setdefault("configuration", configuration)
        kwargs.setdefault("scan_for_annotated_workers", False)
        handler = TaskHandler(workers, **kwargs)
        built.append(handler)
        return handler

    yield make
    for handler in built:
        handler.stop_processes()


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty decorated-worker registry; ``handler_decorated`` is imported afresh."""
    monkeypatch.setattr(_registry, "_decorated_functions", {})
    monkeypatch.delitem(sys.modules, "handler_decorated", raising=False)
    yield
    sys.modules.pop("handler_decorated", None)
