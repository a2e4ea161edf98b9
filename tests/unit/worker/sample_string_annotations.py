"""Workers annotated with explicit strings (no ``from __future__ import annotations``)."""

# ruff: noqa: UP006, UP035 - the typing spellings users write, kept on purpose

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional

if TYPE_CHECKING:  # only for type checkers: the annotation below never resolves at run time
    from conductor.client.http.models.task import Task


@dataclass
class Point:
    x: "int"
    y: "int"


def distance_squared(points: "List[Point]", scale: "Optional[int]" = None) -> "int":
    total = sum(p.x * p.x + p.y * p.y for p in points)
    return total * (scale or 1)


def takes_task(task: "Task") -> "dict":
    return {"task_id": task.task_id}
