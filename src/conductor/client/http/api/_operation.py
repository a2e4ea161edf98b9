"""The one engine behind every resource API: an operation table plus :func:`invoke`.

Each endpoint is an :class:`Operation` value (method, path, parameters by location, response
type, media types). A resource API method is a one-line call of its operation; the
``*_with_http_info`` twin is made by :func:`http_info`. Argument checking, parameter
placement and the call to :meth:`ApiClient.call_api` live here, once.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

from conductor.client.http.api_client import ApiClient

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable, Mapping

T = TypeVar("T")

# Keyword arguments every operation accepts, as in the generated client.
COMMON_KWARGS = frozenset(
    {"async_req", "_return_http_data_only", "_preload_content", "_request_timeout"}
)

JSON = "application/json"
TEXT = "text/plain"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Operation(Generic[T]):
    """One endpoint: how its Python arguments become an HTTP request.

    Args:
        name: Method name, for error messages.
        method: HTTP method.
        path: Path below the API root; ``{name}`` placeholders are parameters.
        required: Required parameters, in positional order.
        query: Query parameters; sent under their camelCase names.
        body: The parameter sent as the request body.
        returns: Response type string; None when the body is ignored.
        accept: Accept header (``text/plain`` for endpoints that answer bare text).
        content_type: Content-Type of the body.
        multi: Query parameters whose list values are sent repeated (``?a=1&a=2``).
        defaults: Factories for parameters the caller left out.
        empty: Factory of the result for a 204 or an empty body (None otherwise).
    """

    __slots__ = (
        "_allowed",
        "_body_headers",
        "_collection_formats",
        "_headers",
        "_path_names",
        "_query",
        "body",
        "defaults",
        "empty",
        "method",
        "name",
        "path",
        "required",
        "returns",
    )

    def __init__(
        self,
        name: str,
        method: str,
        path: str,
        required: tuple[str, ...] = (),
        *,
        query: tuple[str, ...] = (),
        body: str | None = None,
        returns: str | None = None,
        accept: str = JSON,
        content_type: str = JSON,
        multi: Iterable[str] = (),
        defaults: Mapping[str, Callable[[], Any]] | None = None,
        empty: Callable[[], T] | None = None,
    ) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.required = required
        self.body = body
        self.returns = returns
        self.defaults = dict(defaults or {})
        self.empty = empty
        self._path_names = tuple(
            field for _, field, _, _ in string.Formatter().parse(path) if field
        )
        self._query = tuple((name, _camel(name)) for name in query)
        optional_body = (body,) if body is not None else ()
        self._allowed = frozenset((*required, *query, *optional_body)) | COMMON_KWARGS
        self._collection_formats = {_camel(name): "multi" for name in multi}
        # Read-only request headers: without a body, and with one (an optional body may be
        # left out by the caller).
        self._headers = {"Accept": accept}
        self._body_headers = {**self._headers, "Content-Type": content_type}

    def __repr__(self) -> str:
        return f"<Operation {self.name}: {self.method} {self.path}>"

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Check the arguments of a call and return them by name.

        Raises:
            TypeError: An unknown keyword, too many positional arguments, or one given twice.
            ValueError: A required parameter is missing or None.
        """
        if not self._allowed.issuperset(kwargs):
            unknown = sorted(set(kwargs) - self._allowed)[0]
            raise TypeError(f"Got an unexpected keyword argument '{unknown}' to method {self.name}")
        if len(args) > len(self.required):
            raise TypeError(
                f"{self.name}() takes {len(self.required)} positional arguments "
                f"but {len(args)} were given"
            )
        params = dict(kwargs)
        for name, value in zip(self.required, args):
            if name in params:
                raise TypeError(f"{self.name}() got multiple values for argument '{name}'")
            params[name] = value
        for name in self.required:
            if params.get(name) is None:
                raise ValueError(
                    f"Missing the required parameter `{name}` when calling `{self.name}`"
                )
        for name, factory in self.defaults.items():
            if params.get(name) is None:
                params[name] = factory()
        return params


def invoke(
    api_client: ApiClient,
    op: Operation[T],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    *,
    http_info: bool = False,
) -> Any:
    """Run ``op`` with a caller's arguments through ``api_client.call_api``.

    Returns:
        The data, or ``(data, status, headers)`` when ``http_info`` (unless the caller set
        ``_return_http_data_only``); with ``async_req=True``, an ``AsyncResult``.
    """
    params = op.bind(args, kwargs)
    data_only = params.get("_return_http_data_only") if http_info else True
    body = params.get(op.body) if op.body is not None else None
    result = api_client.call_api(
        op.path,
        op.method,
        {name: params[name] for name in op._path_names},
        _query(op, params),
        op._headers if body is None else op._body_headers,
        body=body,
        response_type=op.returns,
        async_req=params.get("async_req"),
        _return_http_data_only=data_only,
        collection_formats=op._collection_formats,
        _preload_content=params.get("_preload_content", True),
        _request_timeout=params.get("_request_timeout"),
    )
    if params.get("async_req"):
        return result
    return _with_empty(op, result, data_only)


async def invoke_async(
    api_client: ApiClient,
    op: Operation[T],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]],
) -> T:
    """:func:`invoke` awaited on the running event loop (see ``ApiClient._call_api_async``).

    Args:
        run_blocking: Runs a callable in a thread, for the parts that block.
    """
    params = op.bind(args, kwargs)
    body = params.get(op.body) if op.body is not None else None
    result = await api_client._call_api_async(
        run_blocking,
        op.path,
        op.method,
        {name: params[name] for name in op._path_names},
        _query(op, params),
        op._headers if body is None else op._body_headers,
        body,
        op.returns,
        True,
        op._collection_formats,
        params.get("_request_timeout"),
    )
    returned: T = _with_empty(op, result, True)
    return returned


def _query(op: Operation[Any], params: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(wire, params[name]) for name, wire in op._query if params.get(name) is not None]


def _with_empty(op: Operation[Any], result: Any, data_only: bool | None) -> Any:
    """``result`` with the operation's empty value (``[]``, ``{}``) in place of no data."""
    if op.empty is None:
        return result
    if data_only:
        return op.empty() if result is None else result
    data, status, headers = result
    return (op.empty() if data is None else data), status, headers


class ResourceApi:
    """Base of the resource APIs: holds the :class:`ApiClient` and runs operations.

    Args:
        api_client: The client to send calls with; a default :class:`ApiClient` if None.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    def _call(self, op: Operation[T], args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> T:
        result: T = invoke(self.api_client, op, args, kwargs)
        return result


def http_info(op: Operation[T]) -> Callable[..., tuple[T, int, Any]]:
    """Return the ``<name>_with_http_info`` method of ``op``: it returns ``(data, status, headers)``."""

    def method(self: ResourceApi, *args: Any, **kwargs: Any) -> tuple[T, int, Any]:
        result: tuple[T, int, Any] = invoke(self.api_client, op, args, kwargs, http_info=True)
        return result

    method.__name__ = f"{op.name}_with_http_info"
    method.__qualname__ = method.__name__
    method.__doc__ = (
        f"Like ``{op.name}`` ({op.method} ``{op.path}``), but return "
        "``(data, status, headers)``; same arguments."
    )
    return method
