"""The pooled ``requests.Session`` behind :class:`RESTClientObject`: building it and sending.

The session is built from a :class:`Configuration` (TLS, client certificate, proxy, pool size
and an urllib3 ``Retry``); :func:`send_direct` sends a request through its mounted adapter
without the per-call overhead of ``Session.request``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

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


def send_direct(
    session: requests.Session,
    method: str,
    url: str,
    query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None,
    headers: dict[str, str],
    data: bytes | None,
    timeout: Timeout,
) -> requests.Response:
    """Send through the session's adapter, skipping ``Session.request``.

    ``Session.request`` merges session settings, cookies and hooks on every call, which
    costs more CPU than the rest of the call; a session from :func:`build_session` has none
    of them (cookies are not kept, redirects not followed), so the request is prepared here
    and handed to the mounted adapter, which still applies the pool, retries, TLS and proxy
    settings. Only for sessions built by :func:`build_session`.
    """
    if query_params:
        url += ("&" if "?" in url else "?") + urlencode(query_params)
    if data is not None:
        headers["Content-Length"] = str(len(data))
    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = url
    prepared.headers = CaseInsensitiveDict(headers)
    prepared.body = data
    response = session.get_adapter(url).send(
        prepared,
        stream=False,
        timeout=timeout,
        verify=True if session.verify is None else session.verify,
        cert=session.cert,
        proxies=session.proxies,
    )
    response.content  # noqa: B018 - read the body here, so a read failure is a transport error
    return response
