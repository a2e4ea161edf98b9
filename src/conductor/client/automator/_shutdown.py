"""Stopping worker processes: ask, wait for the drain, terminate, kill; parent signal handlers."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any, Callable, Union

logger = logging.getLogger(__name__)

TERMINATE_WAIT_S = 2.0
_POLL_S = 0.2

SignalHandler = Union[Callable[[int, Union[FrameType, None]], Any], int, None]


def request_stop(process: BaseProcess) -> None:
    """Ask a worker process to drain and exit (SIGTERM; Windows relies on the shared flag)."""
    if os.name == "posix" and process.pid is not None:
        try:
            os.kill(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            logger.debug("worker process %s already exited", process.name)


def wait_for_exit(
    processes: list[BaseProcess], timeout_s: float, hurried: Callable[[], bool]
) -> None:
    """Return when every process has exited, ``timeout_s`` has passed, or ``hurried()``."""
    deadline = time.monotonic() + timeout_s
    while not hurried():
        alive = [p.sentinel for p in processes if p.is_alive()]
        remaining = deadline - time.monotonic()
        if not alive or remaining <= 0:
            return
        wait(alive, timeout=min(remaining, _POLL_S))


def end_stragglers(processes: list[BaseProcess], reason: str) -> None:
    """Terminate the processes still alive, then kill those that survive that too."""
    for process in processes:
        if process.is_alive():
            logger.warning(
                "worker process %s (pid %s) is still running (%s); terminating it",
                process.name, process.pid, reason,
            )  # fmt: skip
            process.terminate()
    wait_for_exit(processes, TERMINATE_WAIT_S, lambda: False)
    for process in processes:
        if process.is_alive():
            logger.warning("killing worker process %s (pid %s)", process.name, process.pid)
            process.kill()
            process.join(TERMINATE_WAIT_S)


def install_stop_handlers(handler: Callable[[int, FrameType | None], None]) -> dict[int, Any]:
    """Route SIGINT and SIGTERM to ``handler``; only from the main thread (else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, SignalHandler] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, handler)
    return previous


def restore_handlers(previous: dict[int, Any]) -> None:
    """Put back what :func:`install_stop_handlers` replaced."""
    for signum, handler in previous.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
