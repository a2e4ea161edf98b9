"""CPU time and memory of a process tree, read from ``/proc`` (Linux only, no psutil).

A worker process tree is the process that runs the ``TaskHandler`` plus every descendant
(worker processes, and any helper process an SDK starts).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name, or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    # The command name may contain spaces and parentheses: split after the last ')'.
    return text[text.rindex(")") + 2 :].split()


def descendants(root: int) -> list[int]:
    """``root`` and every live descendant of it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    return tree


@dataclass(frozen=True)
class Cpu:
    """CPU seconds of a process tree, user and system."""

    user: float
    system: float

    @property
    def total(self) -> float:
        """User + system."""
        return self.user + self.system

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.user - other.user, self.system - other.system)


def tree_cpu(root: int) -> Cpu:
    """CPU of the tree: live processes, plus the reaped children they waited for."""
    user = system = 0
    for pid in descendants(root):
        fields = _stat_fields(pid)
        if fields is not None:
            # utime, stime, cutime, cstime are fields 14-17 of stat (index 11-14 here).
            user += int(fields[11]) + int(fields[13])
            system += int(fields[12]) + int(fields[14])
    return Cpu(user / _CLOCK_TICKS, system / _CLOCK_TICKS)


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of the tree."""
    return tree_cpu(root).total


def _kib_field(path: str, name: str) -> int:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


@dataclass(frozen=True)
class Memory:
    """Per-process memory in MiB: RSS counts shared pages in every process, PSS splits them."""

    rss_mib: list[float]
    pss_mib: list[float]

    @property
    def processes(self) -> int:
        """How many processes the tree has."""
        return len(self.rss_mib)


def tree_memory(root: int) -> Memory:
    """VmRSS and Pss (``smaps_rollup``) of each process of the tree, root first."""
    pids = descendants(root)
    rss = [_kib_field(f"/proc/{pid}/status", "VmRSS") / 1024.0 for pid in pids]
    pss = [_kib_field(f"/proc/{pid}/smaps_rollup", "Pss") / 1024.0 for pid in pids]
    return Memory(rss, pss)


def load_average() -> str:
    """The 1-minute load average, for the report header."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (``fraction`` in 0..1); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered) - 1e-9)))
    return ordered[rank - 1]
