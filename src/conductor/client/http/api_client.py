"""The generated-style API client: builds requests, (de)serialises models, handles auth.

``ApiClient.call_api`` is the one engine every resource API goes through: it fills the path,
encodes the query, sanitises the body to JSON, adds the auth header, sends the request
through :class:`RESTClientObject` and turns the response into models.

Hot-path notes: each model class gets a codec, built once, that maps JSON keys to fields
and holds the compiled decoder of every field's type string; encoders are cached per Python
type. Nothing is parsed, logged or formatted per call unless DEBUG logging is on.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import enum
import importlib
import json
import logging
import mimetypes
import os
import threading
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

from conductor.client import __version__
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.rest import (
    ApiException,
    AuthorizationException,
    RESTClientObject,
    RESTResponse,
    reset_after_fork,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from conductor.client.http.rest import Timeout

logger = logging.getLogger(__name__)

AUTH_HEADER = "X-Authorization"
TOKEN_PATH = "/token"
_REFRESH_ERRORS = frozenset({"EXPIRED_TOKEN", "INVALID_TOKEN"})
_MODELS_PACKAGE = "conductor.client.http.models"
_COLLECTION_DELIMITERS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}

Decoder = Callable[[Any], Any]

# Hosts already told (at INFO) that they have no /token endpoint: logged once per process.
_no_auth_hosts: set[str] = set()


class ApiClient:
    """Sends API calls to a Conductor server and maps JSON to models and back.

    Cheap to build: the HTTP session and the auth token are created on the first request,
    in the process (and after the fork) that makes it. Safe to share between threads.

    Args:
        configuration: Server address, credentials and transport settings; a default
            :class:`Configuration` when None.
        header_name: Name of an extra header sent with every request.
        header_value: Value of that header.
        cookie: Value of a ``Cookie`` header sent with every request.
    """

    PRIMITIVE_TYPES = (float, bool, bytes, str, int)
    NATIVE_TYPES_MAPPING: Mapping[str, type] = {
        "int": int,
        "long": int,
        "float": float,
        "str": str,
        "bool": bool,
        "date": datetime.date,
        "datetime": datetime.datetime,
        "object": object,
    }

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration()
        self.rest_client = RESTClientObject(
            connection=self.configuration.http_connection, configuration=self.configuration
        )
        self.default_headers: dict[str, str] = {
            "Accept-Encoding": "gzip",
            "User-Agent": f"conductor-python/{__version__}",
        }
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        self._token: str | None = None
        self._token_fetched_at = 0.0  # time.monotonic() of the fetch
        self._auth_disabled = False  # the server has no /token endpoint
        self._token_lock = threading.Lock()

    # -- compatibility accessors --------------------------------------------------------

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header sent with every request."""
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        """Send ``header_name: header_value`` with every request."""
        self.default_headers[header_name] = header_value

    def close(self) -> None:
        """Close the pooled connections."""
        self.rest_client.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_token"] = None
        state["_token_fetched_at"] = 0.0
        del state["_token_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._token_lock = threading.Lock()

    def _after_fork(self) -> None:
        self._token_lock = threading.Lock()  # it may have been held by a thread at fork time

    # -- the engine ---------------------------------------------------------------------

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None = None,
        query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None = None,
        header_params: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Any = None,
        files: Mapping[str, Any] | None = None,
        response_type: str | None = None,
        auth_settings: Any = None,
        async_req: bool | None = None,
        _return_http_data_only: bool | None = None,
        collection_formats: Mapping[str, str] | None = None,
        _preload_content: bool = True,
        _request_timeout: Timeout | None = None,
    ) -> Any:
        """Send one API call and deserialise its response.

        Args:
            resource_path: Path below ``configuration.host``, with ``{name}`` placeholders.
            method: HTTP method.
            path_params: Values of the placeholders (URL-quoted).
            query_params: Query parameters; None values are left out, booleans sent as
                ``true``/``false``.
            header_params: Extra headers for this call.
            body: Request body; models and other objects go through
                :meth:`sanitize_for_serialization`.
            post_params: Form fields.
            files: Files for a multipart form (``name -> path or list of paths``).
            response_type: Type string of the response (``"Task"``, ``"list[Task]"``,
                ``"str"``, ...); None to ignore the body.
            auth_settings: Accepted for compatibility; auth is always applied.
            async_req: Run in a thread and return an object with ``get()``.
            _return_http_data_only: Return only the data instead of
                ``(data, status, headers)``.
            collection_formats: How list-valued parameters are sent
                (``multi``, ``csv``, ``ssv``, ``tsv``, ``pipes``).
            _preload_content: False returns the :class:`RESTResponse` undeserialised.
            _request_timeout: Seconds or ``(connect, read)`` for this call.

        Returns:
            The data, or ``(data, status, headers)``.

        Raises:
            ApiException: The call failed (see :mod:`conductor.client.http.rest`).
        """
        args = (
            resource_path,
            method,
            path_params,
            query_params,
            header_params,
            body,
            post_params,
            files,
            response_type,
            _return_http_data_only,
            collection_formats,
            _preload_content,
            _request_timeout,
        )
        if async_req:
            return AsyncResult(self._call_api, args)
        return self._call_api(*args)

    def _call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None,
        query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
        header_params: Mapping[str, str] | None,
        body: Any,
        post_params: Any,
        files: Mapping[str, Any] | None,
        response_type: str | None,
        _return_http_data_only: bool | None,
        collection_formats: Mapping[str, str] | None,
        _preload_content: bool,
        _request_timeout: Timeout | None,
    ) -> Any:
        path = resource_path
        if path_params:
            safe = self.configuration.safe_chars_for_path_param
            for name, value in path_params.items():
                path = path.replace("{" + name + "}", quote(_path_value(value), safe=safe))
        headers = dict(self.default_headers)
        if header_params:
            headers.update(header_params)
        if self.cookie:
            headers["Cookie"] = self.cookie
        query = (
            self.parameters_to_tuples(query_params, collection_formats) if query_params else None
        )
        if files:
            post_params = self.prepare_post_parameters(post_params, files)
        payload = self.sanitize_for_serialization(body) if body is not None else None

        response = self._send(method, path, query, headers, payload, post_params, _request_timeout)
        data: Any = response
        if _preload_content:
            data = self.deserialize(response, response_type) if response_type else None
        if _return_http_data_only:
            return data
        return data, response.status, response.getheaders()

    def _send(
        self,
        method: str,
        path: str,
        query: list[tuple[str, Any]] | None,
        headers: dict[str, str],
        payload: Any,
        post_params: Any,
        timeout: Timeout | None,
    ) -> RESTResponse:
        url = self.configuration.host + path
        authenticate = path != TOKEN_PATH
        token = self._auth_token() if authenticate else None
        if token is not None:
            headers[AUTH_HEADER] = token
        try:
            return self.rest_client.request(
                method, url, query, headers, payload, post_params, _request_timeout=timeout
            )
        except AuthorizationException as exc:
            if token is None or exc.error_code not in _REFRESH_ERRORS:
                if authenticate and token is None and not self._auth_disabled:
                    exc.detail = self._missing_credentials_hint()
                raise
            logger.info("Auth token rejected (%s); fetching a new one", exc.error_code)
            fresh = self._refresh_token(stale=token)
            if fresh is None:
                raise
            headers[AUTH_HEADER] = fresh
        # Retried once; a second refusal propagates.
        return self.rest_client.request(
            method, url, query, headers, payload, post_params, _request_timeout=timeout
        )

    # -- authentication -----------------------------------------------------------------

    def _auth_token(self) -> str | None:
        settings = self.configuration.authentication_settings
        if settings is None:
            return self.configuration.AUTH_TOKEN  # a token the user set directly
        if self._auth_disabled:
            return None
        token = self._token
        ttl_s = self.configuration.auth_token_ttl_min * 60
        if token is not None and time.monotonic() - self._token_fetched_at < ttl_s:
            return token
        return self._refresh_token(stale=token)

    def _refresh_token(self, stale: str | None) -> str | None:
        with self._token_lock:
            if self._auth_disabled:
                return None
            if self._token is not None and self._token != stale:
                return self._token  # another thread already refreshed it
            return self._fetch_token()

    def _fetch_token(self) -> str | None:
        settings = self.configuration.authentication_settings
        if settings is None:
            return None
        host = self.configuration.host
        described = f"key id {settings.key_id!r} at {host}"
        if not settings.key_id or not settings.key_secret:
            missing = "key id" if not settings.key_id else "key secret"
            exc = AuthorizationException(status=401, reason="Unauthorized", method="POST")
            exc.detail = f"the {missing} is empty: cannot authenticate {described}"
            raise exc
        reset_after_fork(self)
        body = {"keyId": settings.key_id, "keySecret": settings.key_secret}
        headers = {**self.default_headers, "Accept": "application/json"}
        try:
            response = self.rest_client.request("POST", host + TOKEN_PATH, None, headers, body)
        except AuthorizationException as exc:
            exc.detail = f"the server rejected the credentials of {described}"
            raise
        except ApiException as exc:
            if exc.status == 404:
                self._disable_auth(host)
                return None
            exc.detail = f"could not get an auth token for {described}"
            raise
        token = _token_from(response)
        self._token = token
        self._token_fetched_at = time.monotonic()
        self.configuration.update_token(token)
        logger.debug("Fetched an auth token for key id %r", settings.key_id)
        return token

    def _disable_auth(self, host: str) -> None:
        self._auth_disabled = True
        if host not in _no_auth_hosts:
            _no_auth_hosts.add(host)
            logger.info(
                "%s has no %s endpoint (HTTP 404): it does not use authentication, "
                "so requests are sent without a token",
                host,
                TOKEN_PATH,
            )

    def _missing_credentials_hint(self) -> str:
        return (
            f"{self.configuration.host} requires authentication but no credentials are "
            "configured: pass authentication_settings or set CONDUCTOR_AUTH_KEY and "
            "CONDUCTOR_AUTH_SECRET"
        )

    # -- serialisation ------------------------------------------------------------------

    def sanitize_for_serialization(self, obj: Any) -> Any:
        """Return ``obj`` as JSON-ready data.

        Models become dicts keyed by their JSON names without None fields; dataclasses and
        dicts are recursed; lists, tuples and sets become lists; datetimes, dates and times
        their ISO format; UUIDs strings; Decimals numbers; enums their value (or name);
        bytes base64 text. Other objects give ``vars(obj)`` without None values, else
        ``str(obj)``.
        """
        return sanitize(obj)

    def deserialize(self, response: RESTResponse, response_type: str | None) -> Any:
        """Return the body of ``response`` as ``response_type``.

        Args:
            response: The response.
            response_type: A type string: ``"Task"``, ``"list[Task]"``,
                ``"dict(str, int)"``, ``"str"``, ``"object"``, ...

        Returns:
            The data; None for a 204 or an empty body. For ``"str"`` a plain-text body is
            returned as it is.

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
            raise _unreadable(response, response_type, f"not valid JSON ({exc})") from exc
        try:
            return self.deserialize_class(value, response_type)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise _unreadable(response, response_type, str(exc)) from exc

    def deserialize_class(self, data: Any, klass: str | type) -> Any:
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

    # -- generated-client helpers -------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        query_params: Any = None,
        headers: Mapping[str, str] | None = None,
        post_params: Any = None,
        body: Any = None,
        _preload_content: bool = True,
        _request_timeout: Timeout | None = None,
    ) -> RESTResponse:
        """Send a raw request through the REST client.

        Raises:
            ValueError: ``method`` is not an HTTP method.
        """
        if method.upper() not in ("GET", "HEAD", "OPTIONS", "POST", "PATCH", "PUT", "DELETE"):
            raise ValueError(
                "http method must be `GET`, `HEAD`, `OPTIONS`, `POST`, `PATCH`, `PUT` or `DELETE`."
            )
        return self.rest_client.request(
            method,
            url,
            query_params=query_params,
            headers=headers,
            body=body,
            post_params=post_params,
            _preload_content=_preload_content,
            _request_timeout=_request_timeout,
        )

    def parameters_to_tuples(
        self,
        params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
        collection_formats: Mapping[str, str] | None,
    ) -> list[tuple[str, Any]]:
        """Return ``params`` as ``(name, value)`` pairs, expanding list values.

        None values are left out and booleans become ``true``/``false``.
        """
        pairs = params.items() if isinstance(params, Mapping) else (params or ())
        formats = collection_formats or {}
        result: list[tuple[str, Any]] = []
        for name, value in pairs:
            if value is None:
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                fmt = formats.get(name, "csv")
                items = [_query_value(item) for item in value if item is not None]
                if fmt == "multi":
                    result.extend((name, item) for item in items)
                else:
                    delimiter = _COLLECTION_DELIMITERS.get(fmt, ",")
                    result.append((name, delimiter.join(str(item) for item in items)))
            else:
                result.append((name, _query_value(value)))
        return result

    def prepare_post_parameters(
        self, post_params: Any = None, files: Mapping[str, Any] | None = None
    ) -> list[tuple[str, Any]]:
        """Return form fields plus ``files`` (read from disk) as multipart parts."""
        params: list[tuple[str, Any]] = list(post_params or [])
        for name, paths in (files or {}).items():
            for path in paths if isinstance(paths, (list, tuple)) else [paths]:
                if not path:
                    continue
                with open(path, "rb") as handle:
                    filename = os.path.basename(handle.name)
                    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                    params.append((name, (filename, handle.read(), mimetype)))
        return params

    def select_header_accept(self, accepts: Sequence[str] | None) -> str | None:
        """Return the Accept header for ``accepts``, preferring JSON."""
        if not accepts:
            return None
        lowered = [accept.lower() for accept in accepts]
        return "application/json" if "application/json" in lowered else ", ".join(lowered)

    def select_header_content_type(self, content_types: Sequence[str] | None) -> str:
        """Return the Content-Type for ``content_types``, defaulting to JSON."""
        if not content_types:
            return "application/json"
        lowered = [content_type.lower() for content_type in content_types]
        if "application/json" in lowered or "*/*" in lowered:
            return "application/json"
        return lowered[0]

    def update_params_for_auth(
        self, headers: dict[str, str], querys: list[tuple[str, Any]], auth_settings: Any
    ) -> None:
        """Apply ``{'header': {...}, 'query': {...}}`` auth settings (others are ignored)."""
        if not isinstance(auth_settings, Mapping):
            return
        headers.update(auth_settings.get("header") or {})
        querys.extend((auth_settings.get("query") or {}).items())


class AsyncResult:
    """A call running in a daemon thread (what ``async_req=True`` returns)."""

    def __init__(self, function: Callable[..., Any], args: Sequence[Any]) -> None:
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, args), daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., Any], args: Sequence[Any]) -> None:
        try:
            self._result = function(*args)
        except BaseException as exc:  # re-raised by get() in the caller's thread
            self._error = exc

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the call to finish; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def ready(self) -> bool:
        """True when the call has finished."""
        return not self._thread.is_alive()

    def get(self, timeout: float | None = None) -> Any:
        """Return the call's result, or raise its exception.

        Raises:
            TimeoutError: The call did not finish within ``timeout`` seconds.
        """
        if not self.wait(timeout):
            raise TimeoutError(f"the API call did not finish within {timeout} s")
        if self._error is not None:
            raise self._error
        return self._result


# -- helpers for call_api -------------------------------------------------------------------


def _path_value(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.name if not isinstance(value.value, str) else value.value
    return str(value)


def _query_value(value: Any) -> Any:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, enum.Enum):
        return value.value if isinstance(value.value, (str, int)) else value.name
    return value


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


def _token_from(response: RESTResponse) -> str:
    try:
        token = json.loads(response.data).get("token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise _unreadable(response, "Token", "the response has no 'token' field")
    return token


def _unreadable(response: RESTResponse, response_type: str, why: str) -> ApiException:
    exc = ApiException(http_resp=response)
    exc.reason = f"the response body could not be parsed as {response_type}: {why}"
    return exc


# -- encoding (sanitize) ------------------------------------------------------------------

_PASS_THROUGH = frozenset({str, int, float, bool})
Encoder = Callable[[Any], Any]
_encoders: dict[type, Encoder] = {}


def sanitize(obj: Any) -> Any:
    """Return ``obj`` as JSON-ready data (see :meth:`ApiClient.sanitize_for_serialization`)."""
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
        inner = type_string[5:-1]
        _, _, value_type = _split_pair(inner)
        return _mapping_decoder(decoder_for(value_type))
    return _model_decoder(type_string)


def _split_pair(inner: str) -> tuple[str, str, str]:
    """Split ``"K, V"`` at the top-level comma (V may itself contain commas)."""
    depth = 0
    for index, char in enumerate(inner):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0:
            return inner[:index].strip(), ",", inner[index + 1 :].strip()
    return inner.strip(), "", "object"


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
    models = importlib.import_module(_MODELS_PACKAGE)
    klass = getattr(models, name, None)
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

    def __init__(self, klass: type) -> None:
        self.klass = klass
        fields: dict[str, tuple[str, str | None, str]] = {}
        out: list[tuple[str, str | None, str]] = []
        for name, type_string in klass.swagger_types.items():  # type: ignore[attr-defined]
            json_key = klass.attribute_map.get(name, name)  # type: ignore[attr-defined]
            private = "_" + name if _is_generated_field(klass, name) else None
            fields.setdefault(json_key, (name, private, type_string))
            out.append((json_key, private, name))
        self._fields = {
            key: (name, private, decoder_for(type_string))
            for key, (name, private, type_string) in fields.items()
        }
        self._out = tuple(out)
        self._build = _constructor(klass)

    def encode(self, obj: Any) -> dict[str, Any]:
        state = obj.__dict__
        result: dict[str, Any] = {}
        for key, private, name in self._out:
            value = state.get(private) if private is not None else getattr(obj, name)
            if value is None:
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
            name, private, decoder = field
            if value is not None and decoder is not None:
                value = decoder(value)
            if private is not None:
                state[private] = value  # a plain generated field: no setter logic to run
            else:
                setattr(obj, name, value)
        return obj


_codecs: dict[type, _ModelCodec] = {}


def _codec(klass: type) -> _ModelCodec:
    codec = _codecs.get(klass)
    if codec is None:
        codec = _codecs[klass] = _ModelCodec(klass)
    return codec


def _is_generated_field(klass: type, name: str) -> bool:
    """True when ``name`` is a plain property over ``_name`` made by the models' base.

    Such fields are read and written through ``__dict__``; hand-written accessors (which may
    convert, like ``TaskResult.status``) and other swagger-style classes go through
    getattr/setattr.
    """
    accessor = getattr(klass, name, None)
    return isinstance(accessor, property) and getattr(accessor.fget, "_generated", False)


def _constructor(klass: type) -> Callable[[], Any]:
    """Return a no-argument factory of ``klass`` instances with every field unset."""
    try:
        klass()
    except TypeError:
        names = tuple("_" + name for name in klass.swagger_types)  # type: ignore[attr-defined]

        def build() -> Any:
            obj: Any = object.__new__(klass)
            obj.__dict__.update(dict.fromkeys(names))
            obj.__dict__["discriminator"] = None
            return obj

        return build
    return klass
