"""Building responses and reading parameters the way the Spring controllers do."""

from __future__ import annotations

import json
import uuid
from typing import Any

from conductor.client.testing._errors import ApiError, bad_request, server_error
from conductor.client.testing._http import Request, Response

JSON = "application/json"
TEXT = "text/plain;charset=UTF-8"


_dumps = json.JSONEncoder(separators=(",", ":")).encode

# Nested values a task shares with its workflow definition (``workflowTask``, and the TaskDef
# inside it) are never mutated in place, so their JSON is kept by object identity. A stand-in
# string with a per-process random part marks where each fragment goes.
_SHARED_KEYS = ("workflowTask", "taskDefinition")
_MARKERS = {key: f"\x00{key}:{uuid.uuid4().hex}" for key in _SHARED_KEYS}
_ENCODED_MARKERS = {key: _dumps(marker) for key, marker in _MARKERS.items()}
_FRAGMENTS: dict[int, tuple[object, str]] = {}
_MAX_FRAGMENTS = 4096


def json_response(value: Any, status: int = 200) -> Response:
    """``value`` as compact JSON."""
    return Response(status, _dumps(value).encode("utf-8"), JSON)


def task_response(task: dict[str, Any]) -> Response:
    """A rendered task as compact JSON (same text as ``json_response``, built faster)."""
    return Response(200, _encode_task(task).encode("utf-8"), JSON)


def tasks_response(tasks: list[dict[str, Any]]) -> Response:
    """A list of rendered tasks as compact JSON."""
    text = "[" + ",".join([_encode_task(task) for task in tasks]) + "]"
    return Response(200, text.encode("utf-8"), JSON)


def _encode_task(task: dict[str, Any]) -> str:
    shallow: dict[str, Any] | None = None
    fragments: list[tuple[str, str]] = []
    for key in _SHARED_KEYS:
        value = task.get(key)
        if type(value) is not dict:
            continue
        if shallow is None:
            shallow = dict(task)
        shallow[key] = _MARKERS[key]
        fragments.append((_ENCODED_MARKERS[key], _fragment(value)))
    if shallow is None:
        return _dumps(task)
    text = _dumps(shallow)
    for marker, fragment in fragments:
        text = text.replace(marker, fragment, 1)
    return text


def _fragment(value: dict[str, Any]) -> str:
    cached = _FRAGMENTS.get(id(value))
    if cached is not None and cached[0] is value:
        return cached[1]
    text = _dumps(value)
    if len(_FRAGMENTS) >= _MAX_FRAGMENTS:
        _FRAGMENTS.clear()
    _FRAGMENTS[id(value)] = (value, text)  # holding the value keeps its id from being reused
    return text


def text_response(text: str) -> Response:
    """A bare ``text/plain`` body (ids and counts)."""
    return Response(200, text.encode("utf-8"), TEXT)


def empty_response(status: int = 200) -> Response:
    """200 with an empty body (``void`` endpoints), or 204."""
    return Response(status)


def error_response(error: ApiError) -> Response:
    """An ErrorResponse (or auth error) body."""
    return json_response(error.to_body(), error.status)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_decode = json.JSONDecoder(parse_constant=_reject_constant).decode


def json_body(request: Request) -> Any:
    """The parsed JSON body; None when empty; 500 when unreadable (as Jackson errors are)."""
    if not request.body:
        return None
    try:
        return _decode(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise server_error(f"JSON parse error: {exc}") from None


def int_param(request: Request, name: str, default: int) -> int:
    """An integer query parameter; 500 when it is not a number."""
    value = request.param(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise server_error(
            f"Failed to convert value of type 'java.lang.String' to required type 'int'; "
            f'For input string: "{value}"'
        ) from None


def optional_int_param(request: Request, name: str) -> int | None:
    """An optional integer query parameter."""
    if request.param(name) in (None, ""):
        return None
    return int_param(request, name, 0)


def bool_param(request: Request, name: str, default: bool) -> bool:
    """A boolean query parameter (``true``/``false``); 500 otherwise."""
    value = request.param(name)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise server_error(f"Invalid boolean value for '{name}': {value!r}")
    return lowered == "true"


def required_param(request: Request, name: str) -> str:
    """A mandatory query parameter; 400 when missing."""
    value = request.param(name)
    if value is None:
        raise bad_request(f"Required request parameter '{name}' is not present")
    return value
