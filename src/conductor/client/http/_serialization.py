"""JSON (de)serialisation of models and plain values: what ``ApiClient`` sends and receives.

Each model class gets a codec, built once, that maps JSON keys to fields and holds the
compiled decoder of every field's type string; encoders are cached per Python type. Nothing
is parsed or formatted per call beyond the data itself.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import enum
import json
import logging
import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

from conductor.client.http import models
from conductor.client.http.models._base import Deferred, Model, is_generated_field
from conductor.client.http.rest import ApiException

if TYPE_CHECKING:
    from conductor.client.http.rest import RESTResponse

logger = logging.getLogger(__name__)

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]


def deserialize(response: RESTResponse, response_type: str | None) -> Any:
    """Return the body of ``response`` as ``response_type`` (see ``ApiClient.deserialize``).

    Raises:
        ApiException: The body is not valid JSON, or not of the expected shape.
    """
    if response_type is None or response.status == 204 or not response.data:
        return None
    if response_type == "str":
        return _text_result(response)
    try:
        value = json.loads(response.data)
    except ValueError as exc:
        if response_type == "object":
            return response.text
        raise unreadable(response, response_type, f"not valid JSON ({exc})") from exc
    try:
        return decode(value, response_type)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise unreadable(response, response_type, str(exc)) from exc


def decode(data: Any, klass: str | type) -> Any:
    """Return decoded JSON ``data`` as ``klass`` (a type string or a class)."""
    if data is None:
        return None
    if isinstance(klass, str):
        decoder = decoder_for(klass)
    elif _is_model_class(klass):
        decoder = _codec(klass).decode
    else:
        decoder = _NATIVE_DECODERS.get(klass.__name__)
    return data if decoder is None else decoder(data)


def unreadable(response: RESTResponse, response_type: str, why: str) -> ApiException:
    """Return the error for a 2xx body that is not the ``response_type`` it should be."""
    exc = ApiException(http_resp=response)
    exc.reason = f"the response body could not be parsed as {response_type}: {why}"
    return exc


def _text_result(response: RESTResponse) -> str:
    """A text endpoint's answer; a JSON string (quoted) is unquoted."""
    text = response.text
    if text.startswith('"') and "json" in response.content_type:
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, str) else text
    return text


# -- encoding (sanitize) ------------------------------------------------------------------

_PASS_THROUGH = frozenset({str, int, float, bool})
_encoders: dict[type, Encoder] = {}


def sanitize(obj: Any) -> Any:
    """Return ``obj`` as JSON-ready data (see ``ApiClient.sanitize_for_serialization``)."""
    if obj is None:
        return None
    kind = type(obj)
    if kind in _PASS_THROUGH:
        return obj
    encoder = _encoders.get(kind)
    if encoder is None:
        encoder = _encoders[kind] = _encoder_for(kind)
    return encoder(obj)


def _encode_list(items: Any) -> list[Any]:
    return [item if type(item) in _PASS_THROUGH else sanitize(item) for item in items]


def _encode_mapping(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    return {
        (key if type(key) is str else _encode_key(key)): (
            value if type(value) in _PASS_THROUGH else sanitize(value)
        )
        for key, value in mapping.items()
    }


def _encode_key(key: Any) -> str:
    """JSON object keys are strings: spell them as ``json.dumps`` would."""
    encoded = sanitize(key)
    if isinstance(encoded, str):
        return encoded
    if encoded is None or isinstance(encoded, bool):
        return json.dumps(encoded)
    return str(encoded)


def _encode_enum(member: enum.Enum) -> Any:
    value = member.value
    return value if type(value) in _PASS_THROUGH else member.name


def _encode_decimal(number: decimal.Decimal) -> Any:
    if not number.is_finite():
        return str(number)
    return int(number) if number == number.to_integral_value() else float(number)


def _encode_bytes(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _encode_isoformat(value: datetime.date | datetime.time) -> str:
    return value.isoformat()


def _encode_dataclass(obj: Any) -> dict[str, Any]:
    return {field.name: sanitize(getattr(obj, field.name)) for field in dataclasses.fields(obj)}


def _encode_object(obj: Any) -> Any:
    try:
        attributes = vars(obj)
    except TypeError:
        return str(obj)
    return {name: sanitize(value) for name, value in attributes.items() if value is not None}


def _encoder_for(kind: type) -> Encoder:
    """Pick the encoder for one Python type (cached by the caller)."""
    if _is_model_class(kind):
        return _codec(kind).encode
    if issubclass(kind, enum.Enum):
        return _encode_enum
    if issubclass(kind, (str, int, float)):  # subclasses json can write as they are
        return _identity
    if issubclass(kind, (bytes, bytearray)):
        return _encode_bytes
    if issubclass(kind, (datetime.date, datetime.time)):  # datetime is a date
        return _encode_isoformat
    if issubclass(kind, uuid.UUID):
        return str
    if issubclass(kind, decimal.Decimal):
        return _encode_decimal
    if issubclass(kind, Mapping):
        return _encode_mapping
    if issubclass(kind, (list, tuple, set, frozenset)):
        return _encode_list
    if dataclasses.is_dataclass(kind):
        return _encode_dataclass
    return _encode_object


def _identity(value: Any) -> Any:
    return value


# -- decoding (deserialize) -----------------------------------------------------------------

_decoders: dict[str, Decoder | None] = {}


def decoder_for(type_string: str) -> Decoder | None:
    """Return the decoder of a type string, compiled once; None means "as is"."""
    try:
        return _decoders[type_string]
    except KeyError:
        decoder = _decoders[type_string] = _compile(type_string.strip())
        return decoder


def _compile(type_string: str) -> Decoder | None:
    if type_string in _NATIVE_DECODERS:
        return _NATIVE_DECODERS[type_string]
    for prefix, container in (("list[", list), ("set[", set)):
        if type_string.startswith(prefix) and type_string.endswith("]"):
            return _sequence_decoder(decoder_for(type_string[len(prefix) : -1]), container)
    if type_string.startswith(("dict(", "dict[")) and type_string.endswith((")", "]")):
        return _mapping_decoder(decoder_for(_value_type(type_string[5:-1])))
    return _model_decoder(type_string)


def _value_type(pair: str) -> str:
    """The ``V`` of ``"K, V"``, split at the top-level comma (V may contain commas)."""
    depth = 0
    for index, char in enumerate(pair):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0:
            return pair[index + 1 :].strip()
    return "object"


def _sequence_decoder(item: Decoder | None, container: type) -> Decoder:
    if item is None:
        return container if container is set else _as_list

    def decode(values: Any) -> Any:
        _expect(values, list, "a JSON array")
        return container([None if value is None else item(value) for value in values])

    return decode


def _as_list(values: Any) -> Any:
    _expect(values, list, "a JSON array")
    return values


def _mapping_decoder(item: Decoder | None) -> Decoder:
    if item is None:
        return _as_dict

    def decode(values: Any) -> dict[str, Any]:
        _expect(values, dict, "a JSON object")
        return {key: None if value is None else item(value) for key, value in values.items()}

    return decode


def _as_dict(values: Any) -> Any:
    _expect(values, dict, "a JSON object")
    return values


def _expect(value: Any, kind: type, described: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"expected {described}, got {type(value).__name__}: {_preview(value)}")


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "..."


def _model_decoder(name: str) -> Decoder | None:
    klass = getattr(models, name, None)  # the package root exports every model
    if klass is None or not _is_model_class(klass):
        logger.warning("Unknown model %r in a type string: its JSON is kept as it is", name)
        return None
    # The codec is looked up at call time: models may refer to themselves (WorkflowTask).
    return lambda data: _codec(klass).decode(data)


def _decode_str(value: Any) -> str:
    return value if type(value) is str else str(value)


def _decode_int(value: Any) -> int:
    return value if type(value) is int else int(value)


def _decode_float(value: Any) -> float:
    return value if type(value) is float else float(value)


def _decode_bool(value: Any) -> bool:
    if type(value) is bool:
        return value
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _decode_datetime(value: Any) -> datetime.datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.timezone.utc)
    text = str(value)
    return datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)


def _decode_date(value: Any) -> datetime.date:
    return (
        _decode_datetime(value).date() if "T" in str(value) else datetime.date.fromisoformat(value)
    )


_NATIVE_DECODERS: dict[str, Decoder | None] = {
    "str": _decode_str,
    "int": _decode_int,
    "long": _decode_int,
    "float": _decode_float,
    "bool": _decode_bool,
    "datetime": _decode_datetime,
    "date": _decode_date,
    "object": None,
    "dict": _as_dict,
    "list": _as_list,
}

# Decoders that return a value of this exact type unchanged: the codec skips the call.
_DECODED_TYPES: dict[Decoder | None, type] = {
    _decode_str: str,
    _decode_int: int,
    _decode_float: float,
    _decode_bool: bool,
    _as_dict: dict,
    _as_list: list,
}


# -- model codecs ---------------------------------------------------------------------------


def _is_model_class(kind: Any) -> bool:
    return (
        isinstance(kind, type)
        and isinstance(getattr(kind, "swagger_types", None), dict)
        and isinstance(getattr(kind, "attribute_map", None), dict)
    )


class _ModelCodec:
    """Per-class plan for turning a model into JSON and back, built once."""

    __slots__ = ("_build", "_fields", "_out", "klass")

    # JSON key -> (attribute, private name or None, decoder, type the decoder leaves as is,
    # type string when decoding waits for the first read, JSON type it must then arrive as).
    # JSON key -> (attribute, private name or None, decoder, type the decoder leaves as is,
    # and, when decoding waits for the first read, (type string, JSON type it arrives as)).
    _fields: dict[str, tuple[str, str | None, Decoder | None, type | None, tuple[str, type] | None]]

    def __init__(self, klass: type) -> None:
        self.klass = klass
        fields: dict[str, tuple[str, str | None, str]] = {}
        out: list[tuple[str, str | None, str]] = []
        for name, type_string in klass.swagger_types.items():  # type: ignore[attr-defined]
            json_key = klass.attribute_map.get(name, name)  # type: ignore[attr-defined]
            private = "_" + name if is_generated_field(klass, name) else None
            fields.setdefault(json_key, (name, private, type_string))
            out.append((json_key, private, name))
        self._fields = {}
        for key, (name, private, type_string) in fields.items():
            decoder = decoder_for(type_string)
            deferred = (
                (type_string, _json_container(type_string))
                if private is not None and _names_model(type_string)
                else None
            )
            self._fields[key] = (name, private, decoder, _DECODED_TYPES.get(decoder), deferred)
        self._out = tuple(out)
        self._build = _constructor(klass)

    def encode(self, obj: Any) -> dict[str, Any]:
        state = obj.__dict__
        result: dict[str, Any] = {}
        for key, private, name in self._out:
            value = state.get(private) if private is not None else getattr(obj, name)
            if value is None:
                continue
            if type(value) is Deferred:  # never read: its JSON is still what it was (copied)
                result[key] = sanitize(value.data)
                continue
            result[key] = value if type(value) in _PASS_THROUGH else sanitize(value)
        return result

    def decode(self, data: Any) -> Any:
        _expect(data, dict, f"a JSON object for {self.klass.__name__}")
        obj = self._build()
        state = obj.__dict__
        fields = self._fields
        for key, value in data.items():
            field = fields.get(key)
            if field is None:
                continue  # a field this SDK does not model
            name, private, decoder, decoded_type, deferred = field
            if value is not None and decoder is not None and type(value) is not decoded_type:
                value = (
                    Deferred(value, deferred[0])  # decoded when first read
                    if deferred is not None and type(value) is deferred[1]
                    else decoder(value)
                )
            if private is not None:
                state[private] = value  # a field made by the models' base
            else:
                setattr(obj, name, value)
        return obj


_codecs: dict[type, _ModelCodec] = {}


def _names_model(type_string: str) -> bool:
    """Whether a type string mentions a model (``"Task"``, ``"dict(str, list[TaskDef])"``)."""
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", type_string)
    return any(word not in _NATIVE_DECODERS and word != "set" for word in words)


def _json_container(type_string: str) -> type:
    """The JSON type a value of ``type_string`` arrives as: an array or an object."""
    return list if type_string.startswith(("list[", "set[")) else dict


def _codec(klass: type) -> _ModelCodec:
    codec = _codecs.get(klass)
    if codec is None:
        codec = _codecs[klass] = _ModelCodec(klass)
    return codec


# Default values that decoded instances may share with the prototype they are copied from.
_IMMUTABLE = (type(None), bool, int, float, str, enum.Enum)


def _constructor(klass: type) -> Callable[[], Any]:
    """Return a no-argument factory of ``klass`` instances with every field at its default.

    For our models, copying the state of one default instance is cheaper than running
    ``__init__`` for every decoded object; a model with a mutable default (a list, a dict)
    is still built by its constructor, so instances never share one.
    """
    try:
        prototype = klass()
    except TypeError:  # a swagger-style class whose constructor requires arguments
        names = ("_" + name for name in klass.swagger_types)  # type: ignore[attr-defined]
        state: dict[str, Any] = dict.fromkeys(names)
        state["discriminator"] = None
    else:
        state = prototype.__dict__
        if not issubclass(klass, Model) or not all(
            isinstance(value, _IMMUTABLE) for value in state.values()
        ):
            return klass

    def build() -> Any:
        obj: Any = object.__new__(klass)
        obj.__dict__.update(state)
        return obj

    return build
