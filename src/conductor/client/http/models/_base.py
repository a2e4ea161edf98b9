"""Plumbing shared by every generated-style model.

A model declares its fields once, in ``swagger_types`` (attribute -> type string) and
``attribute_map`` (attribute -> JSON key).  This base turns each field into a property over
``_<field>``, validates enumerated fields, and gives the generated-client conveniences:
``to_dict`` (snake_case keys), ``to_str``, ``__repr__`` and value equality.
"""

from __future__ import annotations

import enum
import pprint
from collections.abc import Iterable, Mapping
from typing import Any, Callable, ClassVar


def _field_property(name: str, allowed: frozenset[str] | None) -> property:
    private = "_" + name

    def getter(self: Model) -> Any:
        return getattr(self, private, None)

    def setter(self: Model, value: Any) -> None:
        if allowed is not None and value is not None:
            key = value.name if isinstance(value, enum.Enum) else value
            if key not in allowed:
                raise ValueError(
                    f"Invalid value for `{name}` ({value!r}), must be one of {sorted(allowed)}"
                )
        setattr(self, private, value)

    return property(getter, setter, doc=f"The {name} of this model.")


class Model:
    """Base of every model in ``conductor.client.http.models``."""

    swagger_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}
    # Fields whose value must be one of a fixed set of names (enums on the server side).
    allowed_values: ClassVar[dict[str, Iterable[str]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.swagger_types:
            if isinstance(cls.__dict__.get(name), property):
                continue  # the model wrote its own accessor
            allowed = cls.allowed_values.get(name)
            setattr(cls, name, _field_property(name, frozenset(allowed) if allowed else None))

    def _init_fields(self, values: Mapping[str, Any]) -> None:
        """Set every declared field: None first, then the given values through the setters."""
        for name in self.swagger_types:
            setattr(self, "_" + name, None)
        self.discriminator = None
        for name in self.swagger_types:
            value = values.get(name)
            if value is not None:
                setattr(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        """Return the model as a dict keyed by attribute name (snake_case), recursively."""
        return {name: _to_plain(getattr(self, name)) for name in self.swagger_types}

    def to_str(self) -> str:
        return pprint.pformat(self.to_dict())

    def __repr__(self) -> str:
        return self.to_str()

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__: ClassVar[Callable[..., int] | None] = None  # type: ignore[assignment]


def _to_plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list):
        return [_to_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _to_plain(item) for key, item in value.items()}
    return value
