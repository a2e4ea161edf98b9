"""Worker functions of the benchmark scenarios (module level, so spawned processes import them).

Only plain functions: both this SDK and conductor-python 2.x bind a function without
parameters and store a returned dict as the task's output.
"""

from __future__ import annotations

import time
from typing import Any

IO_SECONDS = 0.05
LONG_SECONDS = 3.0


def noop() -> dict[str, Any]:
    """Does nothing: the SDK's own cost per task."""
    return {}


def probe() -> dict[str, Any]:
    """Records when it started (wall clock, comparable with the server process's)."""
    return {"started": time.time()}


def io_thread() -> dict[str, Any]:
    """50 ms of blocking I/O."""
    time.sleep(IO_SECONDS)
    return {}


async def io_async() -> dict[str, Any]:
    """50 ms of asyncio I/O."""
    import asyncio  # here, so the other scenarios measure processes without asyncio loaded

    await asyncio.sleep(IO_SECONDS)
    return {}


def long_task() -> dict[str, Any]:
    """A task of a few seconds, to be in flight when the workers are stopped."""
    time.sleep(LONG_SECONDS)
    return {"done": True}


FUNCTIONS = {
    "noop": noop,
    "probe": probe,
    "io_thread": io_thread,
    "io_async": io_async,
    "long": long_task,
}
