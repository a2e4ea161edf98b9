"""Turn what a worker returned into a task's ``outputData``: a JSON-compatible dict.

Output rules: a dataclass becomes a dict of its fields, a dict is the output, ``None`` is
``{}``, anything else is ``{"result": value}``. Values inside are made JSON-compatible:
``datetime``/``date``/``time`` become ISO strings, ``UUID`` and ``Decimal`` strings, enums
their value, sets and tuples lists, dataclasses and models dicts. What still cannot be
represented raises :class:`OutputSerializationError` naming where it is, so the task fails
with that reason instead of the result update failing later.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import math
import uuid
from collections.abc import Mapping
from typing import Any

__all__ = ["OutputSerializationError", "output_to_dict", "to_json_compatible"]

_MAX_DEPTH = 200


class OutputSerializationError(TypeError):
    """A value in a task's output cannot be represented as JSON."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"Task output is not JSON-serialisable: {detail} at '{path}'")
        self.path = path


def output_to_dict(value: Any) -> dict[str, Any]:
    """Apply the output rules to a worker's return value.

    Raises:
        OutputSerializationError: a value cannot be represented as JSON.
    """
    if value is None:
        return {}
    converted = to_json_compatible(value, "output")
    return converted if isinstance(converted, dict) else {"result": converted}


def to_json_compatible(value: Any, path: str = "output") -> Any:
    """Return ``value`` as plain JSON data (dict, list, str, int, float, bool, None).

    Raises:
        OutputSerializationError: a value cannot be represented as JSON, or the data is
            circular or nested too deeply.
    """
    return _Converter().convert(value, path, 0)


class _Converter:
    def __init__(self) -> None:
        self._active: set[int] = set()  # ids of containers on the current path: cycles

    def convert(self, value: Any, path: str, depth: int) -> Any:
        if value is None or isinstance(value, (str, bool)):
            return value
        if isinstance(value, enum.Enum):
            return self.convert(value.value, path, depth + 1)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise OutputSerializationError(path, f"{value} is not a valid JSON number")
            return float(value)
        scalar = _convert_scalar(value)
        if scalar is not None:
            return scalar
        if depth >= _MAX_DEPTH:
            raise OutputSerializationError(path, f"data nested deeper than {_MAX_DEPTH} levels")
        if id(value) in self._active:
            raise OutputSerializationError(path, "circular reference")
        self._active.add(id(value))
        try:
            return self._convert_container(value, path, depth + 1)
        finally:
            self._active.discard(id(value))

    def _convert_container(self, value: Any, path: str, depth: int) -> Any:
        if isinstance(value, Mapping):
            return {
                _convert_key(key, path): self.convert(item, f"{path}.{key}", depth)
                for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            return [self.convert(item, f"{path}[{i}]", depth) for i, item in enumerate(value)]
        if isinstance(value, (set, frozenset)):
            return [
                self.convert(item, f"{path}[{i}]", depth) for i, item in enumerate(_ordered(value))
            ]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return self._convert_container(fields, path, depth)
        swagger_types = getattr(value, "swagger_types", None)
        attribute_map = getattr(value, "attribute_map", None)
        if isinstance(swagger_types, dict) and isinstance(attribute_map, dict):
            # A generated model: its wire form (camelCase keys, unset fields left out).
            fields = {
                str(attribute_map.get(name, name)): getattr(value, name)
                for name in swagger_types
                if getattr(value, name, None) is not None
            }
            return self._convert_container(fields, path, depth)
        model_dump = getattr(value, "model_dump", None)
        if callable(model_dump) and not isinstance(value, type):  # pydantic v2
            return self.convert(model_dump(mode="json"), path, depth)
        if isinstance(value, (bytes, bytearray, memoryview)):
            raise OutputSerializationError(
                path, "bytes cannot be JSON (decode them or encode them as base64)"
            )
        raise OutputSerializationError(path, f"object of type {type(value).__name__}")


def _convert_scalar(value: Any) -> str | None:
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    return None


def _convert_key(key: Any, path: str) -> str:
    """JSON object keys are strings; convert the keys ``json.dumps`` would, and a few more."""
    if isinstance(key, enum.Enum):
        key = key.value
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return "true" if key is True else "false" if key is False else "null"
    if isinstance(key, (int, float)):
        return str(key)
    scalar = _convert_scalar(key)
    if scalar is not None:
        return scalar
    raise OutputSerializationError(path, f"dict key {key!r} of type {type(key).__name__}")


def _ordered(items: set[Any] | frozenset[Any]) -> list[Any]:
    """A set's items in a stable order when they can be sorted (repeatable output)."""
    try:
        return sorted(items)
    except TypeError:
        return list(items)
