"""The worker properties: names, defaults, aliases and how each is parsed from text."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

DEFAULT_LONG_POLL_MS = 2000
"""Server-side wait of a batch poll when the worker leaves ``poll_timeout`` unset (None).

An idle worker then makes one request every two seconds, while a task that arrives during
the wait is handed out at once (measured pickup latency: p50 about 2 ms); a stop waits at
most this long for the poll in flight. Several task names share it, polled in turn.
"""

MAX_LONG_POLL_MS = 5000
"""The server refuses longer waits; a larger ``poll_timeout`` is capped to this."""

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_DISABLED = frozenset({"0", "none", "off", ""})


# --- parsers: str -> typed value, ValueError with a short reason -------------------------------


def _parse_ms(text: str) -> float:
    value = float(text)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError("expected a number of milliseconds >= 0")
    return value


def _parse_positive_int(text: str) -> int:
    value = int(text.strip())
    if value < 1:
        raise ValueError("expected an integer >= 1")
    return value


def _parse_ms_int(text: str) -> int:
    value = int(text.strip())
    if value < 0:
        raise ValueError("expected an integer number of milliseconds >= 0")
    return value


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected true/false, 1/0, yes/no or on/off")


def _parse_optional_seconds(text: str) -> float | None:
    if text.strip().lower() in _DISABLED:
        return None
    value = float(text)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError("expected a number of seconds > 0, or 0/none to disable")
    return value


def _parse_str(text: str) -> str:
    return text.strip()


@dataclass(frozen=True)
class Property:
    """One worker property: its name, parser, default and alternative spellings."""

    name: str
    parse: Callable[[str], Any]
    default: Any
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


PROPERTIES: tuple[Property, ...] = (
    Property("polling_interval", _parse_ms, 100.0, ("poll_interval",)),
    Property("domain", _parse_str, None),
    Property("thread_count", _parse_positive_int, 1),
    Property("paused", _parse_bool, False),
    Property("poll_timeout", _parse_ms_int, None),  # None: DEFAULT_LONG_POLL_MS
    Property("lease_extend_enabled", _parse_bool, False),
    Property("execution_timeout_seconds", _parse_optional_seconds, None),
    Property("worker_id", _parse_str, None),
    Property("register_task_def", _parse_bool, False),
    Property("overwrite_task_def", _parse_bool, True),
)
PROPERTY_NAMES: tuple[str, ...] = tuple(p.name for p in PROPERTIES)
