"""The REST layer: :class:`RESTClientObject` sends requests; responses and errors are typed.

Every request has a bounded timeout. Transport failures (refused, reset, timed out, TLS) are
turned into :class:`ApiException` with ``status=0`` in exactly one place,
:meth:`RESTClientObject.request`; HTTP error statuses become :class:`ApiException`, or
:class:`AuthorizationException` for 401/403. Messages name the method, URL and cause, never
credentials.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Union
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3
from requests.utils import get_encoding_from_headers

from conductor.client.http._fork import reset_after_fork
from conductor.client.http._overrides import replaced
from conductor.client.http._session import (
    IDEMPOTENT_METHODS,
    RETRY_STATUSES,
    build_retry,
    build_session,
    send_direct,
    send_direct_async,
)
from conductor.client.http._transport_errors import describe_transport_failure
from conductor.client.http._wire import WirePools, WireResponse

if TYPE_CHECKING:
    from collections.abc import Awaitable, Mapping, Sequence

    from conductor.client.configuration.configuration import Configuration

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "ApiException",
    "AuthorizationException",
    "RESTClientObject",
    "RESTResponse",
    "Timeout",
    "build_retry",
    "build_session",
    "redact_url",
    "reset_after_fork",
]

logger = logging.getLogger(__name__)

# Seconds, or a (connect, read) pair, as requests takes them.
Timeout = Union[float, "tuple[float, float]"]

_SNIPPET_CHARS = 300


class RESTResponse:
    """A received HTTP response: ``status``, ``reason``, ``headers`` and the raw ``data``.

    Args:
        resp: The ``requests.Response``, or a complete urllib3-style response; kept as ``resp``.
        method: The request's method, when ``resp`` does not tell.
        url: The request's URL, when ``resp`` does not tell.
    """

    def __init__(
        self,
        resp: requests.Response | urllib3.BaseHTTPResponse | WireResponse,
        *,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.resp = resp
        self.method = method
        self.url = url
        if isinstance(resp, requests.Response):
            self.status: int = resp.status_code
            self.headers: Mapping[str, str] = resp.headers
            self.data: bytes = resp.content or b""
            if resp.request is not None:
                self.method = method or resp.request.method
            self.url = url or resp.url
        else:
            self.status = resp.status
            self.headers = resp.headers
            self.data = resp.data or b""
        self.reason: str = resp.reason or ""
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8."""
        if self._text is None:
            self._text = _decode_body(self.data, self.headers)
        return self._text

    @property
    def content_type(self) -> str:
        """The media type of the body, lower-case, without parameters."""
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

    def getheaders(self) -> Mapping[str, str]:
        """Return the response headers (case-insensitive mapping)."""
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        """Return one response header, or ``default``."""
        return self.headers.get(name, default)


class ApiException(Exception):
    """A request failed: an HTTP error status, an unreadable body, or a transport failure.

    ``status`` is the HTTP status, or 0 when no response arrived (connection refused, reset,
    timed out, TLS failure); ``reason`` then says what went wrong, where.

    Args:
        status: HTTP status (ignored when ``http_resp`` is given).
        reason: Reason phrase or failure description (ignored when ``http_resp`` is given).
        http_resp: The failed response (:class:`RESTResponse` or ``requests.Response``).
        body: Response body text (ignored when ``http_resp`` is given).
        method: HTTP method of the failed request.
        url: URL of the failed request (credentials in it are removed).
    """

    def __init__(
        self,
        status: int | None = None,
        reason: str | None = None,
        http_resp: RESTResponse | requests.Response | None = None,
        body: str | None = None,
        *,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.headers: Mapping[str, str] | None = None
        if isinstance(http_resp, requests.Response):
            http_resp = RESTResponse(http_resp)
        if http_resp is not None:
            self.status: int | None = http_resp.status
            self.reason: str | None = http_resp.reason
            self.body: str | None = http_resp.text
            self.headers = http_resp.getheaders()
            method = method or http_resp.method
            url = url or http_resp.url
        else:
            self.status = status
            self.reason = reason
            self.body = body
        self.method = method
        self.url = redact_url(url) if url else url
        # Extra context added by the client (e.g. which credentials a token fetch used).
        self.detail: str | None = None
        self._json = _parse_error_body(self.body)
        super().__init__(self.status, self.reason)

    @property
    def code(self) -> int | None:
        """Alias of :attr:`status`."""
        return self.status

    @property
    def message(self) -> str | None:
        """The server's error ``message`` field, else the body text."""
        message = self._json.get("message")
        if isinstance(message, str):
            return message
        return self.body

    def is_not_found(self) -> bool:
        """True for a 404."""
        return self.status == 404

    def _where(self) -> str:
        return f" from {self.method} {self.url}" if self.url else ""

    def _server_says(self) -> str:
        message = self._json.get("message")
        if isinstance(message, str) and message:
            return message
        if not self.body:
            return "empty body"
        return "body: " + _snippet(self.body)

    def __str__(self) -> str:
        if self.status == 0 or (self.status is None and not self.body):
            text = self.reason or "request failed"
        else:
            text = f"HTTP {self.status} {self.reason or ''}".rstrip()
            text += f"{self._where()}: {self._server_says()}"
        return f"{text} ({self.detail})" if self.detail else text

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce would call __init__(status, reason) and lose body and context.
        return (_rebuild_exception, (type(self), self.__dict__))


class AuthorizationException(ApiException):
    """The server refused the request (HTTP 401 or 403).

    ``error_code`` is the ``error`` field of the response (``EXPIRED_TOKEN``,
    ``INVALID_TOKEN``, ...), else ``''``.
    """

    @property
    def error_code(self) -> str:
        """The ``error`` field of the response body, else ``''``."""
        code = self._json.get("error")
        return code if isinstance(code, str) else ""

    @property
    def status_code(self) -> int | None:
        """Alias of :attr:`status`."""
        return self.status

    @property
    def token_expired(self) -> bool:
        """True when the server said the token expired."""
        return self.error_code == "EXPIRED_TOKEN"

    @property
    def invalid_token(self) -> bool:
        """True when the server said the token is invalid."""
        return self.error_code == "INVALID_TOKEN"

    def __str__(self) -> str:
        code = f", {self.error_code}" if self.error_code else ""
        text = f"Authorization failed (HTTP {self.status}{code}){self._where()}"
        text += f": {self._server_says()}" if self.body else ""
        return f"{text} ({self.detail})" if self.detail else text


class RESTClientObject:
    """Sends requests over one pooled ``requests.Session``, built on first use.

    The session is built from the :class:`Configuration`: TLS verification and CA bundle,
    client certificate, proxy, pool size and an urllib3 ``Retry`` for idempotent methods.
    Environment proxy and CA-bundle variables are read once, when the session is built.
    A session passed as ``connection`` is used as it is. After ``os.fork()`` the child
    builds its own session, so no socket is shared between processes.

    Args:
        connection: A ready ``requests.Session`` to use instead of building one.
        configuration: Where the settings come from; a default ``Configuration`` if None.
    """

    def __init__(
        self,
        connection: requests.Session | None = None,
        configuration: Configuration | None = None,
    ) -> None:
        self.configuration = configuration
        self._given = connection
        self._session = connection
        self._pools: WirePools | None = None
        self._lock = threading.Lock()

    @property
    def connection(self) -> requests.Session:
        """The session; built on first access."""
        session = self._session
        if session is None:
            with self._lock:
                if self._session is None:
                    settings = self._settings()
                    self._pools = WirePools(settings.pool_maxsize)
                    self._session = build_session(settings)
                    reset_after_fork(self)
                session = self._session
        return session

    def _settings(self) -> Configuration:
        if self.configuration is None:
            from conductor.client.configuration.configuration import Configuration

            self.configuration = Configuration()
        return self.configuration

    def close(self) -> None:
        """Close the pooled connections of a session this object built."""
        with self._lock:
            session, self._session = self._session, self._given
            pools, self._pools = self._pools, None
        if pools is not None:
            pools.close()
        if session is not None and session is not self._given:
            session.close()

    def _after_fork(self) -> None:
        # The parent's sockets are not closed here: that would also shut them for the parent.
        self._session = self._given
        self._pools = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"configuration": self.configuration, "_given": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.configuration = state["configuration"]
        self._given = self._session = None
        self._pools = None
        self._lock = threading.Lock()

    def request(
        self,
        method: str,
        url: str,
        query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        post_params: Any = None,
        _preload_content: bool = True,
        _request_timeout: Timeout | None = None,
    ) -> RESTResponse:
        """Send one request and return the response if its status is 2xx.

        Args:
            method: HTTP method.
            url: Full URL.
            query_params: Query parameters (pairs or a mapping).
            headers: Request headers.
            body: bytes are sent as they are, str as UTF-8 text; anything else as JSON.
            post_params: Form fields (sent form-encoded when there is no body).
            _preload_content: Accepted for compatibility; the body is always read.
            _request_timeout: Seconds, or ``(connect, read)``; defaults to the configuration's.

        Returns:
            The response.

        Raises:
            AuthorizationException: HTTP 401 or 403.
            ApiException: Any other non-2xx status, or ``status=0`` when no response came.
        """
        method = method.upper()
        timeout = self._timeout(_request_timeout)
        try:
            resp = self._send(method, url, query_params, headers, body, post_params, timeout)
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise _transport_failure(method, url, exc, timeout) from exc
        return _checked(RESTResponse(resp, method=method, url=url))

    async def _request_async(
        self,
        run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]],
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Any,
        _request_timeout: Timeout | None = None,
    ) -> RESTResponse | None:
        """:meth:`request` awaited on the running event loop, without a thread.

        ``run_blocking`` runs a callable in a thread (to open a connection). Returns None,
        having sent nothing, when the request needs a thread (HTTPS, a proxy, a session given
        by the caller, or a replaced ``request``).
        """
        if self._given is not None or replaced(self, "request", _STOCK_REQUEST):
            return None
        session = self.connection  # built here on first use: no I/O
        pools = self._pools
        if pools is None:
            return None
        method = method.upper()
        timeout = self._timeout(_request_timeout)
        send_headers = dict(headers)
        data = _encode_body(body, send_headers)
        try:
            resp = await send_direct_async(
                session, pools, run_blocking, method, url, send_headers, data, timeout
            )
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise _transport_failure(method, url, exc, timeout) from exc
        return None if resp is None else _checked(RESTResponse(resp, method=method, url=url))

    def _send(
        self,
        method: str,
        url: str,
        query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        body: Any,
        post_params: Any,
        timeout: Timeout,
    ) -> requests.Response | WireResponse:
        send_headers = dict(headers) if headers else {}
        session = self.connection
        if body is None and post_params:
            # Forms and multipart uploads are rare: requests encodes them.
            form = _form_arguments(post_params, send_headers)
            return session.request(
                method, url, query_params, headers=send_headers, timeout=timeout, **form
            )
        data = _encode_body(body, send_headers)
        pools = self._pools
        if self._given is None and pools is not None:
            return send_direct(
                session, pools, method, url, query_params, send_headers, data, timeout
            )
        # A caller's session may carry cookies, hooks or auth: let requests apply them.
        return session.request(method, url, query_params, data, send_headers, timeout=timeout)

    def _timeout(self, override: Timeout | None) -> Timeout:
        if override is None:
            return self._settings().timeout
        if isinstance(override, (list, tuple)):
            connect, read = override
            return (float(connect), float(read))
        return float(override)

    def GET(self, url: str, **kwargs: Any) -> RESTResponse:
        """Send a GET (same keyword arguments as :meth:`request`)."""
        return self.request("GET", url, **kwargs)

    def HEAD(self, url: str, **kwargs: Any) -> RESTResponse:
        """Send a HEAD (same keyword arguments as :meth:`request`)."""
        return self.request("HEAD", url, **kwargs)

    def OPTIONS(self, url: str, **kwargs: Any) -> RESTResponse:
        """Send an OPTIONS (same keyword arguments as :meth:`request`)."""
        return self.request("OPTIONS", url, **kwargs)

    def DELETE(self, url: str, **kwargs: Any) -> RESTResponse:
        """Send a DELETE (same keyword arguments as :meth:`request`)."""
        return self.request("DELETE", url, **kwargs)

    def POST(self, url: str, **kwargs: Any) -> RESTResponse:
        """Send a POST (same keyword arguments as :meth:`request`)."""
        return self.request("POST", url, **kwargs)

    def PUT(self, url: str, **kwargs: Any) -> RESTResponse:
        """Send a PUT (same keyword arguments as :meth:`request`)."""
        return self.request("PUT", url, **kwargs)

    def PATCH(self, url: str, **kwargs: Any) -> RESTResponse:
        """Send a PATCH (same keyword arguments as :meth:`request`)."""
        return self.request("PATCH", url, **kwargs)


# As defined here: a test double patched onto the class later is told apart from it.
_STOCK_REQUEST = RESTClientObject.request


# -- bodies and errors --------------------------------------------------------------------


def _transport_failure(method: str, url: str, exc: BaseException, timeout: Timeout) -> ApiException:
    """The one place a transport failure becomes ours (``status=0``)."""
    reason = describe_transport_failure(method, redact_url(url), exc, timeout)
    return ApiException(status=0, reason=reason, method=method, url=url)


def _checked(response: RESTResponse) -> RESTResponse:
    """``response`` if its status is 2xx; else the exception for its status."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %s", response.method, redact_url(response.url or ""), response.status
        )
    if 200 <= response.status < 300:
        return response
    if response.status in (401, 403):
        raise AuthorizationException(http_resp=response)
    raise ApiException(http_resp=response)


def _form_arguments(post_params: Any, headers: dict[str, str]) -> dict[str, Any]:
    fields = post_params.items() if isinstance(post_params, dict) else post_params
    if any(isinstance(value, tuple) for _, value in fields):
        # Multipart: requests must write the Content-Type, with its boundary.
        headers.pop("Content-Type", None)
        return {"files": post_params}
    headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    return {"data": post_params}


def _encode_body(body: Any, headers: dict[str, str]) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        return body.encode("utf-8")
    headers.setdefault("Content-Type", "application/json")
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def _decode_body(data: bytes, headers: Mapping[str, str]) -> str:
    if not data:
        return ""
    # Without a declared charset, requests would guess one (slow); Conductor speaks UTF-8.
    content_type = headers.get("Content-Type", "")
    charset = "utf-8"
    if "charset=" in content_type.lower():
        charset = get_encoding_from_headers(headers) or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _parse_error_body(body: str | None) -> dict[str, Any]:
    if not body or body[0] != "{":
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET_CHARS else flat[:_SNIPPET_CHARS] + "..."


def redact_url(url: str) -> str:
    """Return ``url`` without any ``user:password@`` part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _rebuild_exception(cls: type[ApiException], state: dict[str, Any]) -> ApiException:
    exc = cls.__new__(cls)
    exc.__dict__.update(state)
    exc.args = (state.get("status"), state.get("reason"))
    return exc
