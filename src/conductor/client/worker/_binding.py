"""Bind a task's input to a worker function's parameters, converted to their annotated types.

Rules, in order:

* A function with exactly one parameter that is annotated ``Task``, ``object`` or not at all
  receives the whole :class:`Task` (what existing workers rely on).
* Otherwise each parameter is looked up by name in ``task.input_data``. A missing key gives
  the parameter's default, or ``None``. A parameter annotated ``Task`` receives the task, and
  a ``**kwargs`` parameter receives the input keys no other parameter took.
* Present values are converted to the annotation with dacite (dataclasses, ``Optional``,
  unions, ``list[...]``, ``dict[...]``, nested dataclasses), plus lenient coercion of
  primitives (``"42"`` -> ``42``, ``"true"`` -> ``True``, ISO strings -> ``datetime``...).
  Union members are tried in the order they are written. A value that cannot be converted
  raises :class:`InputBindingError` naming the parameter.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import functools
import inspect
import logging
import typing
import uuid
from collections.abc import Mapping
from typing import Any, Callable

import dacite

from conductor.client.http.models.task import Task

__all__ = [
    "BindingPlan",
    "InputBindingError",
    "is_callable_input_parameter_a_task",
    "is_callable_return_value_of_type",
    "resolve_type_hints",
]

logger = logging.getLogger(__name__)

_EMPTY: Any = inspect.Parameter.empty
Converter = Callable[[Any], Any]


class InputBindingError(ValueError):
    """A task input value could not be converted to its parameter's annotated type."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(f"Invalid input for parameter '{parameter}': {detail}")
        self.parameter = parameter


# --- reading signatures -----------------------------------------------------------------


def _hint_target(fn: Callable[..., Any]) -> Any:
    """The object whose annotations and globals describe ``fn``'s parameters."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    if inspect.isroutine(fn) or inspect.isclass(fn):
        return fn
    call = getattr(type(fn), "__call__", None)  # noqa: B004 - a callable instance's method
    return call if call is not None else fn


class _AnnotationStub:
    """Carries one annotation and a namespace so ``typing.get_type_hints`` can resolve it."""

    def __init__(self, annotations: dict[str, Any], globalns: dict[str, Any]) -> None:
        self.__annotations__ = annotations
        self.__globals__ = globalns


def resolve_type_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """Return ``fn``'s resolved annotations, keeping the raw string of any that do not resolve.

    String annotations and ``from __future__ import annotations`` resolve against the
    function's module. A name that only exists under ``TYPE_CHECKING`` stays a string
    rather than failing the whole function.
    """
    target = _hint_target(fn)
    try:
        return typing.get_type_hints(target)
    except Exception:  # any failure: fall back to one annotation at a time
        logger.debug("Resolving annotations of %r one by one", fn, exc_info=True)
    raw = getattr(inspect.unwrap(target), "__annotations__", None) or {}
    globalns = getattr(inspect.unwrap(target), "__globals__", {})
    hints: dict[str, Any] = {}
    for name, annotation in raw.items():
        try:
            hints[name] = typing.get_type_hints(_AnnotationStub({name: annotation}, globalns))[name]
        except Exception:  # unresolvable: keep the raw annotation
            hints[name] = annotation
    return hints


def _is_annotation_of(annotation: Any, object_type: type) -> bool:
    if annotation is object_type:
        return True
    if isinstance(annotation, str):  # unresolved, e.g. imported under TYPE_CHECKING only
        name = annotation.strip("'\" ")
        return name == object_type.__name__ or name.endswith("." + object_type.__name__)
    return False


def _signature(fn: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None  # builtins without a signature: treated like ``def f(task)``


def is_callable_input_parameter_a_task(callable: Callable[..., Any], object_type: Any) -> bool:
    """True when ``callable`` takes exactly one parameter annotated ``object_type``, ``object``
    or nothing: such a function receives the whole task."""
    signature = _signature(callable)
    if signature is None:
        return True
    parameters = list(signature.parameters.values())
    if len(parameters) != 1 or parameters[0].kind is inspect.Parameter.VAR_KEYWORD:
        return False
    annotation = resolve_type_hints(callable).get(parameters[0].name, _EMPTY)
    return (
        annotation is _EMPTY
        or _is_annotation_of(annotation, object)
        or _is_annotation_of(annotation, object_type)
    )


def is_callable_return_value_of_type(callable: Callable[..., Any], object_type: Any) -> bool:
    """True when ``callable``'s return annotation is ``object_type``."""
    annotation = resolve_type_hints(callable).get("return", _EMPTY)
    return annotation is not _EMPTY and _is_annotation_of(annotation, object_type)


# --- primitive coercion (dacite type hooks) ---------------------------------------------
# Each hook returns the value unchanged when it cannot convert it, so dacite's type check
# reports the mismatch with the field's path.

_TRUE = frozenset({"true", "1", "yes", "y", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "off"})


def _to_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return value
    return value


def _to_str(value: Any) -> Any:
    if isinstance(value, (int, float, decimal.Decimal, uuid.UUID)) and not isinstance(value, bool):
        return str(value)
    return value


def _to_bool(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return value


def _parse_datetime(text: str) -> datetime.datetime:
    text = text.strip()
    if text.endswith(("Z", "z")):  # fromisoformat accepts "Z" only from Python 3.11
        text = text[:-1] + "+00:00"
    return datetime.datetime.fromisoformat(text)


def _to_datetime(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return _parse_datetime(value)
        except ValueError:
            return value
    return value


def _to_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            try:
                return _parse_datetime(value).date()
            except ValueError:
                return value
    return value


def _to_decimal(value: Any) -> Any:
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            return decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            return value
    return value


def _to_uuid(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return uuid.UUID(value.strip())
        except ValueError:
            return value
    return value


_DACITE_CONFIG = dacite.Config(
    type_hooks={
        int: _to_int,
        float: _to_float,
        str: _to_str,
        bool: _to_bool,
        datetime.datetime: _to_datetime,
        datetime.date: _to_date,
        decimal.Decimal: _to_decimal,
        uuid.UUID: _to_uuid,
    },
    cast=[enum.Enum, set, frozenset, tuple],
    strict=False,
)

_DACITE_HANDLED = frozenset(
    {int, float, str, bool, bytes, list, dict, set, frozenset, tuple, *_DACITE_CONFIG.type_hooks}
)


# --- converters per annotation ----------------------------------------------------------


def _passthrough_annotation(annotation: Any) -> bool:
    return (
        annotation is _EMPTY
        or annotation is Any
        or annotation is object
        or isinstance(annotation, (str, typing.TypeVar, typing.ForwardRef))
    )


def _is_plain_class(annotation: Any) -> bool:
    """A user class that dacite cannot build: not a dataclass, enum or builtin container."""
    return (
        inspect.isclass(annotation)
        and typing.get_origin(annotation) is None  # Python 3.9: list[int] passes isclass
        and not dataclasses.is_dataclass(annotation)
        and not issubclass(annotation, enum.Enum)
        and annotation not in _DACITE_HANDLED
        and not (issubclass(annotation, dict) and hasattr(annotation, "__total__"))  # TypedDict
    )


def _converter_for(annotation: Any, name: str) -> Converter | None:
    """Return a function converting a raw input value for ``annotation`` (None: keep raw)."""
    if _passthrough_annotation(annotation):
        return None
    if _is_plain_class(annotation):
        return functools.partial(_build_plain, annotation, name)
    return _dacite_converter(annotation, name)


def _dacite_converter(annotation: Any, name: str) -> Converter:
    # A one-field dataclass lets dacite convert any annotation, not only dataclasses.
    holder = dataclasses.make_dataclass("_InputValue", [("value", annotation)])

    def convert(value: Any) -> Any:
        try:
            return dacite.from_dict(holder, {"value": value}, config=_DACITE_CONFIG).value
        except dacite.DaciteFieldError as exc:
            path = exc.field_path or "value"
            exc.field_path = name + path[len("value") :] if path.startswith("value") else path
            raise InputBindingError(name, str(exc)) from None
        except dacite.DaciteError as exc:
            raise InputBindingError(name, str(exc)) from None
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise InputBindingError(name, f"{type(exc).__name__}: {exc}") from None

    return convert


def _build_plain(cls: type, name: str, value: Any) -> Any:
    """Build a plain class from a dict through its ``__init__`` (or pydantic's validator)."""
    if isinstance(value, cls) or not isinstance(value, Mapping):
        return value
    validate = getattr(cls, "model_validate", None)  # pydantic v2 models validate themselves
    if callable(validate):
        try:
            return validate(value)
        except (TypeError, ValueError) as exc:
            raise InputBindingError(name, str(exc)) from None
    signature = _signature(cls)
    if signature is None:
        return value
    hints = resolve_type_hints(cls.__init__)  # type: ignore[misc]
    kwargs: dict[str, Any] = {}
    accepts_extra = False
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            accepts_extra = True
        elif parameter.kind is not inspect.Parameter.VAR_POSITIONAL:
            if parameter.name in value:
                kwargs[parameter.name] = _convert_one(
                    value[parameter.name],
                    hints.get(parameter.name, _EMPTY),
                    f"{name}.{parameter.name}",
                )
            elif parameter.default is _EMPTY:
                raise InputBindingError(name, f"missing value for field '{parameter.name}'")
    if accepts_extra:
        kwargs.update({k: v for k, v in value.items() if k not in kwargs})
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise InputBindingError(name, f"cannot build {cls.__name__}: {exc}") from None


def _convert_one(value: Any, annotation: Any, name: str) -> Any:
    if value is None:
        return None
    converter = _converter_for(annotation, name)
    return value if converter is None else converter(value)


# --- the plan for one function ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Parameter:
    name: str
    positional: bool  # positional-only: passed by position
    default: Any
    receives_task: bool
    converter: Converter | None


class BindingPlan:
    """How to call one worker function with a task; built once per function."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.task_mode = is_callable_input_parameter_a_task(fn, Task)
        self.accepts_extra = False
        self.parameters: tuple[_Parameter, ...] = ()
        if not self.task_mode:
            self._plan(fn)

    def _plan(self, fn: Callable[..., Any]) -> None:
        signature = _signature(fn)
        hints = resolve_type_hints(fn)
        parameters: list[_Parameter] = []
        for parameter in signature.parameters.values() if signature else ():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                self.accepts_extra = True
                continue
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                continue
            annotation = hints.get(parameter.name, _EMPTY)
            if isinstance(annotation, str):
                logger.warning(
                    "Cannot resolve the annotation %r of parameter %r of %s; its input is "
                    "passed unconverted",
                    annotation,
                    parameter.name,
                    getattr(fn, "__qualname__", fn),
                )
            receives_task = annotation is Task
            parameters.append(
                _Parameter(
                    name=parameter.name,
                    positional=parameter.kind is inspect.Parameter.POSITIONAL_ONLY,
                    default=parameter.default,
                    receives_task=receives_task,
                    converter=None if receives_task else _converter_for(annotation, parameter.name),
                )
            )
        self.parameters = tuple(parameters)

    def bind(self, task: Task) -> tuple[list[Any], dict[str, Any]]:
        """Return the positional and keyword arguments for calling the function on ``task``.

        Raises:
            InputBindingError: an input value cannot be converted to its annotated type.
        """
        if self.task_mode:
            return [task], {}
        input_data: Mapping[str, Any] = task.input_data or {}
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for parameter in self.parameters:
            value = self._value_for(parameter, task, input_data)
            if parameter.positional:
                args.append(value)
            else:
                kwargs[parameter.name] = value
        if self.accepts_extra:
            taken = {parameter.name for parameter in self.parameters}
            kwargs.update({k: v for k, v in input_data.items() if k not in taken})
        return args, kwargs

    @staticmethod
    def _value_for(parameter: _Parameter, task: Task, input_data: Mapping[str, Any]) -> Any:
        if parameter.receives_task:
            return task
        if parameter.name not in input_data:
            return None if parameter.default is _EMPTY else parameter.default
        value = input_data[parameter.name]
        if value is None or parameter.converter is None:
            return value
        return parameter.converter(value)
