"""How a worker process builds its runner: heartbeat hook and a drain that fits the grace period."""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
from typing import Any

import pytest

from conductor.client.automator._process import (
    DRAIN_MARGIN_S,
    ChildSpec,
    build_runner,
    drain_deadline_s,
)
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker import Worker


@pytest.mark.parametrize(
    ("grace_s", "drain_s"),
    [(30.0, 25.0), (10.0, 5.0), (6.0, 3.0), (2.0, 1.0), (0.0, 0.0), (-1.0, 0.0)],
)
def test_drain_deadline_ends_before_the_grace_period(grace_s: float, drain_s: float) -> None:
    assert drain_deadline_s(grace_s) == drain_s
    assert drain_deadline_s(grace_s) <= max(0.0, grace_s - min(DRAIN_MARGIN_S, grace_s / 2))


def _spec(grace_seconds: float) -> tuple[ChildSpec, Any]:
    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    heartbeat = context.RawValue(ctypes.c_ulonglong, 0)
    spec = ChildSpec(
        worker=Worker("child_task", lambda task: {}),
        configuration=Configuration(server_api_url="http://127.0.0.1:9/api"),
        metrics_settings=None,
        worker_name="child_task",
        writer=writer,
        heartbeat=heartbeat,
        stop_flag=context.RawValue(ctypes.c_byte, 0),
        parent_pid=0,
        start_method="spawn",
        set_parent_death_signal=False,
        grace_seconds=grace_seconds,
        metrics_interval_seconds=1.0,
    )
    return spec, (reader, writer)


def test_the_child_runner_drains_within_the_handlers_grace_period() -> None:
    spec, pipe = _spec(grace_seconds=12.0)
    try:
        runner = build_runner(spec)
        assert runner.drain_deadline_s == 7.0
        assert runner.configuration is spec.configuration
        assert runner.heartbeat is not None
        runner.heartbeat()
        assert spec.heartbeat.value == 1
    finally:
        for end in pipe:
            end.close()


def test_worker_processes_quiet_urllib3_retry_warnings_unless_configured() -> None:
    from conductor.client.automator._process import _quiet_transport_retries

    pool_logger = logging.getLogger("urllib3.connectionpool")
    saved = pool_logger.level
    try:
        pool_logger.setLevel(logging.NOTSET)
        _quiet_transport_retries()
        assert pool_logger.level == logging.ERROR
        pool_logger.setLevel(logging.DEBUG)  # the user's choice wins
        _quiet_transport_retries()
        assert pool_logger.level == logging.DEBUG
    finally:
        pool_logger.setLevel(saved)
