"""Without any logging configuration the runtime's warnings still show; with one, it decides."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from test_task_runner_support import new_task_type, running, wait_until

from conductor.client.automator._logging import (
    _UnconfiguredFallback,
    install_unconfigured_fallback,
)
from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker import Worker

RUNNER_LOGGER = "conductor.client.automator.task_runner"


@contextmanager
def no_logging_configured() -> Iterator[None]:
    """Take pytest's capture handlers off the root logger for a moment (restored in finally)."""
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()
    try:
        yield
    finally:
        root.handlers[:] = saved


@pytest.fixture
def package_handlers(monkeypatch: pytest.MonkeyPatch) -> list[logging.Handler]:
    """The ``conductor`` logger as the package leaves it at import: a NullHandler only."""
    handlers: list[logging.Handler] = [logging.NullHandler()]
    monkeypatch.setattr(logging.getLogger("conductor"), "handlers", handlers)
    return handlers


def _fallbacks(handlers: list[logging.Handler]) -> int:
    return sum(isinstance(handler, _UnconfiguredFallback) for handler in handlers)


def test_without_the_fallback_the_null_handler_swallows_warnings(
    package_handlers: list[logging.Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    with no_logging_configured():
        logging.getLogger(RUNNER_LOGGER).warning("swallowed")
    assert "swallowed" not in capsys.readouterr().err


def test_the_fallback_prints_warnings_when_nothing_is_configured(
    package_handlers: list[logging.Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    install_unconfigured_fallback()
    install_unconfigured_fallback()
    assert _fallbacks(package_handlers) == 1
    with no_logging_configured():
        logging.getLogger(RUNNER_LOGGER).warning("visible warning")
        logging.getLogger(RUNNER_LOGGER).info("quiet info")
    err = capsys.readouterr().err
    assert "visible warning" in err
    assert "quiet info" not in err
    assert logging.getLogger().handlers  # the root logger was left as it was


def test_the_fallback_steps_aside_once_a_handler_is_configured(
    package_handlers: list[logging.Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    install_unconfigured_fallback()
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    with no_logging_configured():
        logging.getLogger().addHandler(Collect())
        logging.getLogger(RUNNER_LOGGER).warning("handled by the application")
    assert [r.getMessage() for r in records] == ["handled by the application"]
    assert "handled by the application" not in capsys.readouterr().err


def test_a_runner_run_directly_reports_poll_failures_without_logging_config(
    package_handlers: list[logging.Handler], capsys: pytest.CaptureFixture[str]
) -> None:
    name = new_task_type()
    configuration = Configuration(server_api_url="http://127.0.0.1:9/api", max_retries=0)
    runner = TaskRunner(Worker(name, lambda task: {}), configuration)
    seen: list[str] = []

    def reported() -> bool:
        seen.append(capsys.readouterr().err)
        return f"Polling {name} failed" in "".join(seen)

    with no_logging_configured(), running(runner):
        wait_until(reported)
    assert _fallbacks(package_handlers) == 1
