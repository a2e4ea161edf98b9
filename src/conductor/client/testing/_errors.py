"""Errors raised by the engine and their JSON bodies (Conductor's ``ErrorResponse``)."""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from typing import Any

VALIDATION_MESSAGE = "Validation failed, check below errors for detail."

_INSTANCE: list[str] = []


def instance_name() -> str:
    """The host name reported in error bodies, looked up once."""
    if not _INSTANCE:
        _INSTANCE.append(socket.gethostname() or "localhost")
    return _INSTANCE[0]


class ApiError(Exception):
    """An error answer: HTTP status plus the fields of Conductor's ErrorResponse.

    Args:
        status: HTTP status code.
        message: the ``message`` field.
        validation_errors: ``validationErrors`` entries (``{path, message, invalidValue}``).
        retryable: the ``retryable`` field.
        body: a complete replacement body (used for auth errors, which have another shape).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        validation_errors: Sequence[Mapping[str, Any]] | None = None,
        retryable: bool = False,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.validation_errors = list(validation_errors) if validation_errors else None
        self.retryable = retryable
        self.body = dict(body) if body is not None else None

    def to_body(self) -> dict[str, Any]:
        """The JSON body sent to the client."""
        if self.body is not None:
            return self.body
        if self.validation_errors is not None:
            return {
                "status": self.status,
                "message": self.message,
                "retryable": self.retryable,
                "validationErrors": self.validation_errors,
            }
        return {
            "status": self.status,
            "message": self.message,
            "instance": instance_name(),
            "retryable": self.retryable,
        }


def java_text(value: object) -> str:
    """``value`` as Java string concatenation writes it (``null`` for None)."""
    return "null" if value is None else str(value)


def not_found(message: str) -> ApiError:
    """404 with the given message."""
    return ApiError(404, message)


def conflict(message: str) -> ApiError:
    """409 with the given message."""
    return ApiError(409, message)


def bad_request(message: str) -> ApiError:
    """400 (illegal argument) with the given message."""
    return ApiError(400, message)


def server_error(message: str) -> ApiError:
    """500: what the real server answers for unreadable bodies and bad enum values."""
    return ApiError(500, message)


def validation_error(errors: Sequence[tuple[str, str, Any]]) -> ApiError:
    """400 bean-validation failure from ``(path, message, invalid_value)`` triples."""
    entries = []
    for path, message, invalid in errors:
        entry: dict[str, Any] = {"path": path, "message": message}
        if invalid is not None:
            entry["invalidValue"] = invalid
        entries.append(entry)
    return ApiError(400, VALIDATION_MESSAGE, validation_errors=entries)
