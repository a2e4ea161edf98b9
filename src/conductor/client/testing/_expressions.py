"""Input expressions: ``${workflow.input.x}``, ``${ref.output.a.b[0]}`` and friends.

A string that is exactly one expression takes the referenced value as is (object, list, number).
A string mixing text and expressions becomes text, with missing values written as ``""``.
``$${`` escapes a literal ``${``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class ExpressionContext:
    """What expressions can see: the workflow and the latest attempt of each task by reference."""

    def __init__(self, workflow: Mapping[str, Any], tasks_by_ref: Mapping[str, Mapping[str, Any]]):
        self._workflow = workflow
        self._tasks = tasks_by_ref

    def root(self, name: str) -> Any:
        """The object a path's first segment names, or None."""
        if name == "workflow":
            wf = self._workflow
            return {
                **wf,
                "workflowType": wf.get("workflowName"),
                "version": wf.get("workflowVersion"),
            }
        task = self._tasks.get(name)
        if task is None:
            return None
        return {**task, "input": task.get("inputData"), "output": task.get("outputData")}


def evaluate(template: Any, context: ExpressionContext) -> Any:
    """Replace every expression inside ``template`` (maps and lists walked recursively)."""
    if isinstance(template, str):
        return _evaluate_string(template, context) if "${" in template else template
    if isinstance(template, dict):
        return {key: evaluate(value, context) for key, value in template.items()}
    if isinstance(template, list):
        return [evaluate(value, context) for value in template]
    return template


def _evaluate_string(text: str, context: ExpressionContext) -> Any:
    matches = list(_TOKEN.finditer(text))
    if len(matches) == 1:
        only = matches[0]
        if only.group(1) is not None and only.start() == 0 and only.end() == len(text):
            return resolve(only.group(1), context)
    pieces: list[str] = []
    position = 0
    for match in matches:
        pieces.append(text[position : match.start()])
        if match.group(1) is None:
            pieces.append("${")
        else:
            pieces.append(_as_text(resolve(match.group(1), context)))
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def resolve(path: str, context: ExpressionContext) -> Any:
    """The value at ``path`` (``root.key.key[3]``); None when any step is missing."""
    path = path.strip()
    if not path:
        return ""
    segments = _SEGMENT.findall(path)
    if not segments or segments[0][0] == "":
        return None
    value = context.root(segments[0][0])
    for key, index in segments[1:]:
        if value is None:
            return None
        if key:
            value = value.get(key) if isinstance(value, dict) else None
        else:
            position = int(index)
            value = value[position] if isinstance(value, list) and position < len(value) else None
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
