"""Building responses and reading parameters the way the Spring controllers do."""

from __future__ import annotations

import json
from typing import Any

from conductor.client.testing._errors import ApiError, bad_request, server_error
from conductor.client.testing._http import Request, Response

JSON = "application/json"
TEXT = "text/plain;charset=UTF-8"


def json_response(value: Any, status: int = 200) -> Response:
    """``value`` as compact JSON."""
    return Response(status, json.dumps(value, separators=(",", ":")).encode("utf-8"), JSON)


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


def json_body(request: Request) -> Any:
    """The parsed JSON body; None when empty; 500 when unreadable (as Jackson errors are)."""
    if not request.body:
        return None
    try:
        return json.loads(request.body.decode("utf-8"), parse_constant=_reject_constant)
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
