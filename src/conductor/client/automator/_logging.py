"""Logging across processes: children send records, the parent hands them to its own loggers.

Each worker process gets its own one-way pipe (a :class:`Channel`) so that a child killed in the
middle of a write can only damage its own stream. In the child, every handler inherited through
``fork`` is removed and a :class:`logging.handlers.QueueHandler` on the root logger sends each
record, tagged with ``worker_name``, through the channel. In the parent, one thread
(:class:`~conductor.client.automator._hub.Hub`) receives them and calls
``logging.getLogger(record.name).handle(record)``, so the application's own logging configuration
decides where a worker's lines go. ``processName`` is the child's name (``conductor-<task>``).

The package's ``NullHandler`` on ``conductor`` also keeps Python's last resort (WARNING and up
to stderr) from firing in a program that configured no logging at all, which would make the
runtime's warnings vanish. :func:`install_unconfigured_fallback` restores that last resort for
the ``conductor`` loggers only, and only while no handler is configured; it never touches the
root logger.
"""

from __future__ import annotations

import logging
import logging.handlers
import threading
from multiprocessing.connection import Connection
from typing import Any

_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "worker_name", "taskName"}
)
_PLAIN_TYPES = (str, int, float, bool, type(None))

MESSAGE_LOG = "log"
MESSAGE_METRICS = "metrics"


class Channel:
    """The sending end of a child's pipe to the parent; safe to use from several threads."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._broken = False

    def send(self, kind: str, payload: Any) -> bool:
        """Send one message; False (and stay quiet afterwards) once the parent is gone."""
        if self._broken:
            return False
        with self._lock:
            try:
                self._connection.send((kind, payload))
            except (OSError, EOFError, ValueError):
                # The parent closed its end or died; the child stops sending rather than spamming.
                self._broken = True
                return False
        return True

    def put_nowait(self, record: logging.LogRecord) -> None:
        """The queue interface :class:`logging.handlers.QueueHandler` writes to."""
        self.send(MESSAGE_LOG, record)

    def close(self) -> None:
        with self._lock:
            self._broken = True
            self._connection.close()


class _ChildQueueHandler(logging.handlers.QueueHandler):
    """QueueHandler that tags records with the worker name and keeps them picklable."""

    def __init__(self, channel: Channel, worker_name: str) -> None:
        super().__init__(channel)  # type: ignore[arg-type]
        self._worker_name = worker_name

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        if not hasattr(record, "worker_name"):
            record.worker_name = self._worker_name
        prepared: logging.LogRecord = super().prepare(record)
        for key, value in list(prepared.__dict__.items()):
            if key not in _STANDARD_ATTRIBUTES and not isinstance(value, _PLAIN_TYPES):
                prepared.__dict__[key] = repr(value)
        return prepared


def configure_child_logging(
    channel: Channel, worker_name: str, levels: dict[str, int]
) -> logging.Handler:
    """Route every record of this (child) process through ``channel``.

    Args:
        channel: the pipe to the parent.
        worker_name: added to every record as ``worker_name``.
        levels: logger name -> level snapshot of the parent ("" is the root), so that a spawned
            child filters like its parent does.

    Returns:
        The installed handler.
    """
    handler = _ChildQueueHandler(channel, worker_name)
    manager = logging.Logger.manager
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)
    for existing in list(manager.loggerDict.values()):
        if isinstance(existing, logging.Logger):
            _replace_handlers(existing, handler if not existing.propagate else None)
    _replace_handlers(logging.getLogger(), handler)
    return handler


def _replace_handlers(target: logging.Logger, handler: logging.Handler | None) -> None:
    # Inherited handlers write to the parent's files and streams; only the parent may do that.
    for old in list(target.handlers):
        target.removeHandler(old)
    if handler is not None:
        target.addHandler(handler)


def snapshot_levels() -> dict[str, int]:
    """Levels explicitly set in this process, by logger name ("" is the root)."""
    levels = {"": logging.getLogger().level}
    for name, existing in logging.Logger.manager.loggerDict.items():
        if isinstance(existing, logging.Logger) and existing.level != logging.NOTSET:
            levels[name] = existing.level
    return levels


def dispatch(record: logging.LogRecord) -> None:
    """Hand a child's record to the parent's logger of the same name."""
    target = logging.getLogger(record.name) if record.name != "root" else logging.getLogger()
    if target.isEnabledFor(record.levelno):
        target.handle(record)


class _UnconfiguredFallback(logging.Handler):
    """Hands WARNING+ records to :data:`logging.lastResort` while no logging is configured."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        last = logging.lastResort
        if last is None or record.levelno < last.level or _configured(record.name):
            return
        last.handle(record)


def _configured(name: str) -> bool:
    """True if a record of logger ``name`` reaches a handler the application (or pytest) added."""
    current: logging.Logger | None = logging.getLogger(name)
    while current is not None:
        for handler in current.handlers:
            if not isinstance(handler, (logging.NullHandler, _UnconfiguredFallback)):
                return True
        if not current.propagate:
            return False
        current = current.parent
    return False


def install_unconfigured_fallback() -> None:
    """Let the runtime's warnings reach stderr in a program that configured no logging (idempotent).

    Like Python's own last resort, it steps aside as soon as any handler is configured.
    """
    package = logging.getLogger("conductor")
    with _fallback_lock:
        if not any(isinstance(h, _UnconfiguredFallback) for h in package.handlers):
            package.addHandler(_UnconfiguredFallback())


_fallback_lock = threading.Lock()
