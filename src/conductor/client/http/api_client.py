"""The generated-style API client: builds requests and turns responses into models.

``ApiClient.call_api`` is the one engine every resource API goes through: it fills the path,
encodes the query, sanitises the body to JSON, adds the auth header, sends the request
through :class:`RESTClientObject` and turns the response into models. The JSON codecs live
in ``_serialization``, the token handling in ``_auth``.
"""

from __future__ import annotations

import datetime
import enum
import mimetypes
import os
import threading
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote, urlencode

from conductor.client import __version__
from conductor.client.configuration.configuration import Configuration
from conductor.client.http import _serialization
from conductor.client.http._auth import AUTH_HEADER, TOKEN_PATH, TokenAuth
from conductor.client.http._overrides import replaced
from conductor.client.http._serialization import sanitize
from conductor.client.http.rest import AuthorizationException, RESTClientObject, RESTResponse

if TYPE_CHECKING:
    from collections.abc import Sequence

    from conductor.client.http.rest import Timeout

__all__ = ["ApiClient", "AsyncResult"]

_COLLECTION_DELIMITERS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}


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
        self._auth = TokenAuth(self.configuration, self.rest_client, self.default_headers)

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
        request = self._build(
            resource_path,
            method,
            path_params,
            query_params,
            header_params,
            body,
            post_params,
            files,
            collection_formats,
        )
        response = self._send(request, _request_timeout)
        return self._result(response, response_type, _preload_content, _return_http_data_only)

    async def _call_api_async(
        self,
        run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]],
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None,
        query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
        header_params: Mapping[str, str] | None,
        body: Any,
        response_type: str | None,
        _return_http_data_only: bool | None,
        collection_formats: Mapping[str, str] | None,
        _request_timeout: Timeout | None,
    ) -> Any:
        """:meth:`call_api` on the running event loop, waiting for the server without a thread.

        Whatever needs blocking I/O goes through ``run_blocking`` (which runs a callable in a
        thread): opening a connection, fetching or refreshing the token, and, as the plain
        call, HTTPS, proxies and a ``call_api`` replaced by a test double.
        """
        if replaced(self, "call_api", _STOCK_CALL_API):
            return await run_blocking(
                lambda: self.call_api(
                    resource_path,
                    method,
                    path_params,
                    query_params,
                    header_params,
                    body=body,
                    response_type=response_type,
                    _return_http_data_only=_return_http_data_only,
                    collection_formats=collection_formats,
                    _request_timeout=_request_timeout,
                )
            )
        request = self._build(
            resource_path,
            method,
            path_params,
            query_params,
            header_params,
            body,
            None,
            None,
            collection_formats,
        )
        token = self._auth.ready_token() if request.path != TOKEN_PATH else None
        rejected: AuthorizationException | None = None
        if token is not False:
            if token:
                request.headers[AUTH_HEADER] = token
            try:
                response = await self.rest_client._request_async(
                    run_blocking,
                    method,
                    self._url(request),
                    request.headers,
                    request.payload,
                    _request_timeout,
                )
            except AuthorizationException as exc:
                response = None  # the plain call takes it from here: refresh, send again
                rejected = exc
            if response is not None:
                return self._result(response, response_type, True, _return_http_data_only)
        response = await run_blocking(lambda: self._send(request, _request_timeout, rejected))
        return self._result(response, response_type, True, _return_http_data_only)

    def _build(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None,
        query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
        header_params: Mapping[str, str] | None,
        body: Any,
        post_params: Any,
        files: Mapping[str, Any] | None,
        collection_formats: Mapping[str, str] | None,
    ) -> _Request:
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
        return _Request(method, path, query, headers, payload, post_params)

    def _url(self, request: _Request) -> str:
        url = self.configuration.host + request.path
        if request.query:
            url += "?" + urlencode(request.query)
        return url

    def _result(
        self,
        response: RESTResponse,
        response_type: str | None,
        preload: bool,
        data_only: bool | None,
    ) -> Any:
        data: Any = response
        if preload:
            data = self.deserialize(response, response_type) if response_type else None
        if data_only:
            return data
        return data, response.status, response.getheaders()

    def _send(
        self,
        request: _Request,
        timeout: Timeout | None,
        rejected: AuthorizationException | None = None,
    ) -> RESTResponse:
        """Send ``request`` with the auth token; ``rejected``: its refusal of a first attempt."""
        url = self.configuration.host + request.path

        def send() -> RESTResponse:
            return self.rest_client.request(
                request.method,
                url,
                request.query,
                request.headers,
                request.payload,
                request.post_params,
                _request_timeout=timeout,
            )

        if request.path == TOKEN_PATH:
            return send()  # the token request itself carries no token
        return self._auth.send(request.headers, send, rejected)

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
        return _serialization.deserialize(response, response_type)

    def deserialize_class(self, data: Any, klass: str | type) -> Any:
        """Return decoded JSON ``data`` as ``klass`` (a type string or a class)."""
        return _serialization.decode(data, klass)

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


# As defined here: a test double patched onto the class later is told apart from it.
_STOCK_CALL_API = ApiClient.call_api


# -- helpers for call_api -------------------------------------------------------------------


class _Request:
    """A built API call, ready to send."""

    __slots__ = ("headers", "method", "path", "payload", "post_params", "query")

    def __init__(
        self,
        method: str,
        path: str,
        query: list[tuple[str, Any]] | None,
        headers: dict[str, str],
        payload: Any,
        post_params: Any,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payload = payload
        self.post_params = post_params


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
