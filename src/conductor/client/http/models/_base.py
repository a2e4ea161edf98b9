"""Plumbing shared by every generated-style model.

A model declares its fields once, in ``swagger_types`` (attribute -> type string) and
``attribute_map`` (attribute -> JSON key).  This base turns each field into a property over
``_<field>``, validates enumerated fields, and gives the generated-client conveniences:
``to_dict`` (snake_case keys), ``to_str``, ``__repr__`` and value equality.

Models are built in hot paths (every polled task, every result), so the per-class work is
done once in ``__init_subclass__`` and ``_init_fields`` only copies values.
"""

from __future__ import annotations

import enum
import pprint
from collections.abc import Iterable, Mapping
from typing import Any, Callable, ClassVar, TypeVar

_E = TypeVar("_E", bound=enum.Enum)


def coerce_enum(enum_cls: type[_E], field: str, value: Any) -> _E | None:
    """Return ``value`` as a member of ``enum_cls``; a member's name is accepted too.

    Raises:
        ValueError: ``value`` is neither a member nor the name of one.
    """
    if value is None or isinstance(value, enum_cls):
        return value
    try:
        return enum_cls[value]
    except (KeyError, TypeError):
        names = [member.name for member in enum_cls]
        raise ValueError(
            f"Invalid value for `{field}` ({value!r}), must be one of {names}"
        ) from None


class Deferred:
    """The JSON of a nested field, decoded into models the first time the field is read.

    A polled task carries its workflow task and task definition, which most workers never
    read; decoding them on demand makes every poll cheaper.

    Args:
        data: The field's JSON (already checked to be an object or an array).
        type_string: The field's type string (``"WorkflowTask"``, ``"list[Task]"``...).
    """

    __slots__ = ("data", "type_string")

    def __init__(self, data: Any, type_string: str) -> None:
        self.data = data
        self.type_string = type_string

    def resolve(self) -> Any:
        """The decoded value."""
        # Imported here: the codec module imports the models.
        from conductor.client.http._serialization import decode

        return decode(self.data, self.type_string)


def _field_property(name: str, allowed: frozenset[str] | None) -> property:
    private = "_" + name

    def getter(self: Model) -> Any:
        value = self.__dict__.get(private)
        if type(value) is Deferred:
            value = self.__dict__[private] = value.resolve()
        return value

    def setter(self: Model, value: Any) -> None:
        if allowed is not None and value is not None:
            # An enum member is valid when either its name or its value is an allowed string.
            keys = (value.name, value.value) if isinstance(value, enum.Enum) else (value,)
            if not any(isinstance(key, str) and key in allowed for key in keys):
                raise ValueError(
                    f"Invalid value for `{name}` ({value!r}), must be one of {sorted(allowed)}"
                )
        self.__dict__[private] = value

    # Marks the property as made here (see is_generated_field).
    getter._generated = True  # type: ignore[attr-defined]
    return property(getter, setter, doc=f"The {name} of this model.")


def is_generated_field(cls: type, name: str) -> bool:
    """True when ``name`` is a field property made by this base, stored in ``_<name>``.

    The JSON codec reads and writes such fields through ``__dict__`` (skipping the setter's
    allowed-values check); hand-written accessors, which may convert, go through the property.
    """
    accessor = getattr(cls, name, None)
    return isinstance(accessor, property) and getattr(accessor.fget, "_generated", False)


def _is_custom_accessor(cls: type, name: str) -> bool:
    """True when the model (or a parent model) wrote its own property for ``name``."""
    return isinstance(getattr(cls, name, None), property) and not is_generated_field(cls, name)


class Model:
    """Base of every model in ``conductor.client.http.models``."""

    swagger_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}
    # Fields whose value must be one of a fixed set of names (enums on the server side).
    allowed_values: ClassVar[Mapping[str, Iterable[str]]] = {}
    # Credentials: masked in to_str() and repr(), so they never reach a log.
    _secret_fields: ClassVar[tuple[str, ...]] = ()

    # Computed once per class by __init_subclass__.
    _unset_fields: ClassVar[dict[str, None]] = {}
    _plain_fields: ClassVar[tuple[tuple[str, str], ...]] = ()
    _checked_fields: ClassVar[tuple[str, ...]] = ()

    discriminator: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        plain: list[tuple[str, str]] = []
        checked: list[str] = []
        for name in cls.swagger_types:
            if _is_custom_accessor(cls, name):
                checked.append(name)
                continue
            allowed = cls.allowed_values.get(name)
            setattr(cls, name, _field_property(name, frozenset(allowed) if allowed else None))
            if allowed:
                checked.append(name)
            else:
                plain.append((name, "_" + name))
        cls._unset_fields = {"_" + name: None for name in cls.swagger_types}
        cls._plain_fields = tuple(plain)
        cls._checked_fields = tuple(checked)

    def _init_fields(self, values: Mapping[str, Any]) -> None:
        """Set every declared field: None first, then the given non-None values.

        Fields with validation or a hand-written accessor go through their setter; the
        rest are stored directly, which keeps construction cheap.
        """
        state = self.__dict__
        state.update(self._unset_fields)
        state["discriminator"] = None
        for name, private in self._plain_fields:
            value = values.get(name)
            if value is not None:
                state[private] = value
        for name in self._checked_fields:
            value = values.get(name)
            if value is not None:
                setattr(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        """Return the model as a dict keyed by attribute name (snake_case), recursively."""
        return {name: _to_plain(getattr(self, name)) for name in self.swagger_types}

    def to_str(self) -> str:
        """Return the pretty-printed ``to_dict()``, with ``_secret_fields`` masked."""
        values = self.to_dict()
        for name in self._secret_fields:
            if values[name] is not None:
                values[name] = "***"
        return pprint.pformat(values)

    def __repr__(self) -> str:
        return self.to_str()

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Model)
            and type(self) is type(other)
            and self._settled() == other._settled()
        )

    def _settled(self) -> dict[str, Any]:
        """The state, with deferred nested fields decoded."""
        state = self.__dict__
        for key in [key for key, value in state.items() if type(value) is Deferred]:
            state[key] = state[key].resolve()
        return state

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
