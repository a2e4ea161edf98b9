"""The pooled ``requests.Session`` behind :class:`RESTClientObject`: building it and sending.

The session is built from a :class:`Configuration` (TLS, client certificate, proxy, pool size
and an urllib3 ``Retry``); :func:`send_direct` sends a request without the per-call overhead of
``Session.request``: plain-HTTP requests without a proxy go over the lean keep-alive transport
of ``_wire`` (with the session's retries), everything else through the mounted adapter.
"""

from __future__ import annotations

import contextlib
import functools
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

from conductor.client.http._overrides import replaced

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence

    from conductor.client.configuration.configuration import Configuration
    from conductor.client.http._wire import WirePools, WireResponse
    from conductor.client.http.rest import Timeout

# RFC 9110 idempotent methods: the only ones retried after the request may have been sent.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class _Adapter(HTTPAdapter):
    """An ``HTTPAdapter`` that can pass ``assert_hostname`` to its connection pools."""

    def __init__(self, assert_hostname: str | bool | None = None, **kwargs: Any) -> None:
        self._assert_hostname = assert_hostname
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **pool_kwargs: Any) -> None:
        if self._assert_hostname is not None:
            pool_kwargs["assert_hostname"] = self._assert_hostname
        super().init_poolmanager(*args, **pool_kwargs)


def build_retry(configuration: Configuration) -> Retry:
    """Return the urllib3 retry policy for ``configuration``.

    Connection failures are retried for every method (nothing was sent). Error statuses
    and read failures are retried only for idempotent methods, read failures at most once
    (a read timeout retried N times would multiply the wait).
    """
    retries = configuration.max_retries
    return Retry(
        total=retries,
        connect=retries,
        read=min(retries, 1),
        status=retries,
        other=0,
        allowed_methods=IDEMPOTENT_METHODS,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=configuration.retry_backoff_factor,
        raise_on_status=False,
        respect_retry_after_header=False,
    )


def build_session(configuration: Configuration) -> requests.Session:
    """Return a ``requests.Session`` with ``configuration``'s TLS, proxy, pool and retries."""
    session = requests.Session()
    adapter = _Adapter(
        assert_hostname=configuration.assert_hostname,
        pool_connections=4,
        pool_maxsize=configuration.pool_maxsize,
        max_retries=build_retry(configuration),
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # Environment settings are resolved once here instead of on every request (requests
    # re-reads proxies, NO_PROXY, CA-bundle variables and ~/.netrc per call when trust_env).
    session.trust_env = False
    session.verify = _verify_setting(configuration)
    if configuration.cert_file:
        session.cert = (
            (configuration.cert_file, configuration.key_file)
            if configuration.key_file
            else configuration.cert_file
        )
    session.proxies = _proxy_setting(configuration)
    return session


def _verify_setting(configuration: Configuration) -> bool | str:
    if not configuration.verify_ssl:
        return False
    if configuration.ssl_ca_cert:
        return configuration.ssl_ca_cert
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


def _proxy_setting(configuration: Configuration) -> dict[str, str]:
    if configuration.proxy:
        return {"http": configuration.proxy, "https": configuration.proxy}
    # Honours HTTP(S)_PROXY, ALL_PROXY and NO_PROXY for the configured host.
    proxies = requests.utils.get_environ_proxies(configuration.host)
    return {scheme: url for scheme, url in proxies.items() if scheme != "no"}


# requests' own HTTPAdapter.send and Session.request, as imported; None when something had
# already replaced them (a mocking library, an instrumentation package).
_STOCK_SEND: Callable[..., Any] | None = (
    HTTPAdapter.send if HTTPAdapter.send.__module__ == "requests.adapters" else None
)
_STOCK_REQUEST: Callable[..., Any] | None = (
    requests.Session.request if requests.Session.request.__module__ == "requests.sessions" else None
)


def send_direct(
    session: requests.Session,
    pools: WirePools,
    method: str,
    url: str,
    query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
    headers: dict[str, str],
    data: bytes | None,
    timeout: Timeout,
) -> requests.Response | WireResponse:
    """Send a request of a session from :func:`build_session`, skipping ``Session.request``.

    ``Session.request`` merges session settings, cookies and hooks on every call, which
    costs more CPU than the rest of the call; a session from :func:`build_session` has none
    of them (cookies are not kept, redirects not followed). A plain-HTTP request without a
    proxy goes over ``pools`` (see ``_wire``) with the adapter's retries. HTTPS and proxied
    requests are prepared here and handed to the mounted adapter, which applies the pool,
    retries, TLS and proxy settings. When ``Session.request`` or the adapter's ``send`` was
    replaced (a mocking library, instrumentation), the request goes through
    ``Session.request``, so the replacement sees it as it would with plain requests.
    """
    adapter = session.get_adapter(url)
    if not isinstance(adapter, HTTPAdapter) or _replaced(session, adapter):
        return session.request(method, url, query_params, data, headers, timeout=timeout)
    url = _with_query(url, query_params)
    if data is not None:
        headers["Content-Length"] = str(len(data))
    route = _wire_route(session, url)
    if route is not None:
        origin, target = route
        with _requests_errors():
            return pools.pool(origin).urlopen(
                method, url, target, headers, data, _pair(timeout), adapter.max_retries
            )
    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = url
    prepared.headers = CaseInsensitiveDict(headers)
    prepared.body = data
    response = adapter.send(
        prepared,
        stream=False,
        timeout=timeout,
        verify=True if session.verify is None else session.verify,
        cert=session.cert,
        proxies=session.proxies,
    )
    response.content  # noqa: B018 - read the body here, so a read failure is a transport error
    return response


async def send_direct_async(
    session: requests.Session,
    pools: WirePools,
    run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]],
    method: str,
    url: str,
    headers: dict[str, str],
    data: bytes | None,
    timeout: Timeout,
) -> WireResponse | None:
    """:func:`send_direct` awaited on the running event loop, for what the lean transport carries.

    ``run_blocking`` runs a callable in a thread (to open a connection). Returns None, having
    sent nothing, when the request must go through requests (HTTPS, a proxy, a replaced
    ``Session.request`` or adapter): the caller then sends it in a thread.
    """
    adapter = session.get_adapter(url)
    if not isinstance(adapter, HTTPAdapter) or _replaced(session, adapter):
        return None
    route = _wire_route(session, url)
    if route is None:
        return None
    if data is not None:
        headers["Content-Length"] = str(len(data))
    origin, target = route
    # Imported here: only processes with async workers need the event-loop transport.
    from conductor.client.http._wire_async import aurlopen

    with _requests_errors():
        return await aurlopen(
            pools.pool(origin),
            method,
            url,
            target,
            headers,
            data,
            _pair(timeout),
            adapter.max_retries,
            run_blocking,
        )


def _replaced(session: requests.Session, adapter: HTTPAdapter) -> bool:
    """Whether ``Session.request`` or the adapter's ``send`` is not requests' own."""
    return (
        _STOCK_SEND is None
        or _STOCK_REQUEST is None
        or replaced(adapter, "send", _STOCK_SEND)
        or replaced(session, "request", _STOCK_REQUEST)
    )


def _with_query(
    url: str, query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None
) -> str:
    if not query_params:
        return url
    url, hash_mark, fragment = url.partition("#")  # the query goes before a fragment
    return url + ("&" if "?" in url else "?") + urlencode(query_params) + hash_mark + fragment


def _wire_route(session: requests.Session, url: str) -> tuple[str, str] | None:
    """``(origin, target)`` when ``url`` goes over the lean transport (plain HTTP, no proxy)."""
    return None if session.proxies else _split_plain_http(url)


def _pair(timeout: Timeout) -> tuple[float, float]:
    return timeout if isinstance(timeout, tuple) else (timeout, timeout)


@functools.lru_cache(maxsize=256)
def _origin_of(prefix: str) -> str | None:
    """``http://host[:port]`` of a URL prefix up to its path, or None (credentials, bad port)."""
    if "@" in prefix:
        return None  # credentials in the URL: requests turns them into a header
    try:
        port = urlsplit(prefix).port
    except ValueError:
        return None
    return prefix if port is None or 0 < port < 65536 else None


def _split_plain_http(url: str) -> tuple[str, str] | None:
    """``(origin, path-and-query)`` of an ``http://`` URL, or None for anything else."""
    if url[:7].lower() != "http://":
        return None
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, 7)
        if 0 <= found < end:
            end = found
    origin = _origin_of(url[:end])
    if origin is None:
        return None
    target = url[end:].split("#", 1)[0]
    return origin, target if target.startswith("/") else "/" + target


@contextlib.contextmanager
def _requests_errors() -> Iterator[None]:
    """Raise urllib3 and socket failures as the exceptions requests raises for them."""
    try:
        yield
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        error = _as_requests_error(exc)
        if error is exc:
            raise
        raise error from exc


def _as_requests_error(exc: BaseException) -> BaseException:
    """Return the exception ``HTTPAdapter.send`` (or reading its body) raises for ``exc``."""
    errors = urllib3.exceptions
    if isinstance(exc, errors.MaxRetryError):
        reason = exc.reason
        if isinstance(reason, errors.ConnectTimeoutError) and not isinstance(
            reason, errors.NewConnectionError
        ):
            return requests.exceptions.ConnectTimeout(exc)
        if isinstance(reason, errors.ResponseError):
            return requests.exceptions.RetryError(exc)
        if isinstance(reason, errors.ProxyError):
            return requests.exceptions.ProxyError(exc)
        if isinstance(reason, errors.SSLError):
            return requests.exceptions.SSLError(exc)
        return requests.exceptions.ConnectionError(exc)
    if isinstance(exc, errors.ProxyError):
        return requests.exceptions.ProxyError(exc)
    if isinstance(exc, errors.SSLError):
        return requests.exceptions.SSLError(exc)
    if isinstance(exc, errors.ReadTimeoutError):
        return requests.exceptions.ReadTimeout(exc)
    if isinstance(exc, errors.DecodeError):
        return requests.exceptions.ContentDecodingError(exc)
    if isinstance(exc, (errors.ProtocolError, errors.ClosedPoolError, OSError)):
        return requests.exceptions.ConnectionError(exc)
    return exc
