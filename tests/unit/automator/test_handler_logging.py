"""Records crossing from a worker process: prepared, tagged, picklable, dispatched by name."""

from __future__ import annotations

import logging
import pickle
import sys
from multiprocessing import Pipe
from typing import Any

import pytest

from conductor.client.automator._logging import (
    MESSAGE_LOG,
    Channel,
    _ChildQueueHandler,
    dispatch,
)


class Unpicklable:
    def __reduce__(self) -> Any:
        raise TypeError("no")

    def __repr__(self) -> str:
        return "<Unpicklable>"


def _record(logger_name: str = "app.worker", level: int = logging.WARNING, **extra: Any) -> Any:
    try:
        raise ValueError("inner problem")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(logger_name, level, __file__, 1, "hello %s", ("world",), exc_info)
    record.__dict__.update(extra)
    return record


def test_child_records_are_tagged_formatted_and_picklable() -> None:
    reader, writer = Pipe(duplex=False)
    channel = Channel(writer)
    handler = _ChildQueueHandler(channel, "task_a,task_b")
    handler.handle(_record(task_id="t-1", thing=Unpicklable()))

    kind, received = reader.recv()
    assert kind == MESSAGE_LOG
    assert received.getMessage().startswith("hello world\nTraceback")
    assert "ValueError: inner problem" in received.getMessage()
    assert received.worker_name == "task_a,task_b"
    assert received.task_id == "t-1"
    assert received.thing == "<Unpicklable>"
    assert pickle.loads(pickle.dumps(received)).worker_name == "task_a,task_b"
    channel.close()
    reader.close()


def test_channel_goes_quiet_when_the_parent_is_gone() -> None:
    reader, writer = Pipe(duplex=False)
    channel = Channel(writer)
    reader.close()
    assert channel.send(MESSAGE_LOG, "x") is False
    assert channel.send(MESSAGE_LOG, "y") is False
    channel.close()


def test_dispatch_uses_the_parent_logger_of_the_same_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="app.worker")
    dispatch(_record(level=logging.WARNING))
    dispatch(_record(level=logging.INFO))  # below the parent's level: dropped
    assert [(r.name, r.levelno) for r in caplog.records] == [("app.worker", logging.WARNING)]


def test_dispatch_of_root_records(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    dispatch(_record(logger_name="root"))
    assert [r.name for r in caplog.records] == ["root"]
