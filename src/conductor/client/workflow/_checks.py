"""Type checks for the workflow DSL: a wrong value fails where it is set, not at the server."""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


def require(value: Any, kind: type, name: str) -> None:
    """Raise ``TypeError`` unless ``value`` is a ``kind`` (a bool does not count as an int).

    Raises:
        TypeError: ``"<name> must be a <kind>, got <value>"``.
    """
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        article = "an" if kind.__name__[0] in "aeiouAEIOU" else "a"
        raise TypeError(f"{name} must be {article} {kind.__name__}, got {value!r}")


class Checked(Generic[T]):
    """An attribute stored as ``_<name>`` that accepts only values of one type.

    Args:
        kind: The type values must have.
        optional: Accept None too.
    """

    def __init__(self, kind: type, *, optional: bool = False) -> None:
        self._kind = kind
        self._optional = optional
        self._name = ""
        self._private = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name
        self._private = "_" + name

    @overload
    def __get__(self, obj: None, owner: type) -> Checked[T]: ...

    @overload
    def __get__(self, obj: object, owner: type) -> T: ...

    def __get__(self, obj: object | None, owner: type) -> Checked[T] | T:
        if obj is None:
            return self
        value: T = getattr(obj, self._private)
        return value

    def __set__(self, obj: object, value: T) -> None:
        if value is not None or not self._optional:
            require(value, self._kind, self._name)
        setattr(obj, self._private, value)
