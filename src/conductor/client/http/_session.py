"""The pooled ``requests.Session`` behind :class:`RESTClientObject`: building it and sending.

The session is built from a :class:`Configuration` (TLS, client certificate, proxy, pool size
and an urllib3 ``Retry``); :func:`send_direct` sends a request without the per-call overhead of
``Session.request``: plain-HTTP requests without a proxy go straight to the adapter's urllib3
pool, everything else through the mounted adapter.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from conductor.client.configuration.configuration import Configuration
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


# requests' own HTTPAdapter.send, as imported; None when something had already replaced it.
_STOCK_SEND: Callable[..., Any] | None = (
    HTTPAdapter.send if HTTPAdapter.send.__module__ == "requests.adapters" else None
)


def send_direct(
    session: requests.Session,
    method: str,
    url: str,
    query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
    headers: dict[str, str],
    data: bytes | None,
    timeout: Timeout,
) -> requests.Response | urllib3.BaseHTTPResponse:
    """Send a request of a session from :func:`build_session`, skipping ``Session.request``.

    ``Session.request`` merges session settings, cookies and hooks on every call, which
    costs more CPU than the rest of the call; a session from :func:`build_session` has none
    of them (cookies are not kept, redirects not followed). A plain-HTTP request without a
    proxy, whose adapter is requests' own ``HTTPAdapter`` (not a subclass overriding
    ``send``, not patched by a mocking library), is sent by the adapter's urllib3 pool with
    the adapter's retries, exactly as the adapter would send it, and its urllib3 response
    is returned. Everything else (HTTPS, proxies, other adapters) is prepared here and handed
    to the mounted adapter, which applies the pool, retries, TLS and proxy settings.
    """
    if query_params:
        url += ("&" if "?" in url else "?") + urlencode(query_params)
    if data is not None:
        headers["Content-Length"] = str(len(data))
    adapter = session.get_adapter(url)
    if (
        type(adapter).send is _STOCK_SEND
        and _STOCK_SEND is not None
        and url[:7].lower() == "http://"
        and not session.proxies
    ):
        return _send_pooled(adapter, method, url, headers, data, timeout)  # type: ignore[arg-type]
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


def _send_pooled(
    adapter: HTTPAdapter,
    method: str,
    url: str,
    headers: dict[str, str],
    data: bytes | None,
    timeout: Timeout,
) -> urllib3.BaseHTTPResponse:
    """Send a plain-HTTP request through ``adapter``'s urllib3 pool, as ``adapter.send`` would.

    The pool is the one the adapter itself picks for the URL (TLS settings do not apply to
    plain HTTP), the request target is the path and query, and retries, redirects (none) and
    timeouts are the adapter's. The body is read before returning, decoded.
    """
    pool: urllib3.HTTPConnectionPool = adapter.poolmanager.connection_from_url(url)
    try:
        return pool.urlopen(
            method,
            _request_target(url),
            body=data,
            headers=headers,
            retries=adapter.max_retries,
            redirect=False,
            assert_same_host=False,
            timeout=_urllib3_timeout(timeout),
            preload_content=True,
            decode_content=True,
            chunked=False,
        )
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        error = _as_requests_error(exc)
        if error is exc:
            raise
        raise error from exc


@functools.lru_cache(maxsize=64)
def _urllib3_timeout(timeout: Timeout) -> urllib3.Timeout:
    """The urllib3 form of a requests-style timeout (shared: urllib3 copies it before use)."""
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return urllib3.Timeout(connect=connect, read=read)


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


def _request_target(url: str) -> str:
    """Return the path and query of an ``http://`` URL, as requests sends them."""
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, 7)
        if 0 <= found < end:
            end = found
    target = url[end:]
    fragment = target.find("#")
    if fragment >= 0:
        target = target[:fragment]
    return target if target.startswith("/") else "/" + target
