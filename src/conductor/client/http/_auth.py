"""The auth token of one ``ApiClient``: fetched on first use, refreshed when old or rejected.

The token comes from ``POST /token`` with the configured key id and secret and is sent as
``X-Authorization``. A server without a ``/token`` endpoint (404) does not use
authentication: the client then sends no token. Neither the secret nor a token is logged.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Literal

from conductor.client.http._fork import reset_after_fork
from conductor.client.http._serialization import unreadable
from conductor.client.http.rest import ApiException, AuthorizationException

if TYPE_CHECKING:
    from collections.abc import Mapping

    from conductor.client.configuration.configuration import Configuration
    from conductor.client.http.rest import RESTClientObject, RESTResponse

logger = logging.getLogger(__name__)

AUTH_HEADER = "X-Authorization"
TOKEN_PATH = "/token"
_REFRESH_ERRORS = frozenset({"EXPIRED_TOKEN", "INVALID_TOKEN"})

# Hosts already told (at INFO) that they have no /token endpoint: logged once per process.
_no_auth_hosts: set[str] = set()


class TokenAuth:
    """Adds the auth token to requests, and refreshes it once when the server rejects it.

    Shares the client's configuration, REST client and default headers (the token request
    carries the same ``User-Agent`` and custom headers). Safe to share between threads.
    """

    def __init__(
        self,
        configuration: Configuration,
        rest_client: RESTClientObject,
        default_headers: Mapping[str, str],
    ) -> None:
        self._configuration = configuration
        self._rest_client = rest_client
        self._default_headers = default_headers
        self._token: str | None = None
        self._fetched_at = 0.0  # time.monotonic() of the fetch
        self._disabled = False  # the server has no /token endpoint
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # A token is a credential: it is not copied to another process.
        state = self.__dict__.copy()
        state["_token"] = None
        state["_fetched_at"] = 0.0
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _after_fork(self) -> None:
        self._lock = threading.Lock()  # it may have been held by a thread at fork time

    def send(
        self,
        headers: dict[str, str],
        send: Callable[[], RESTResponse],
        rejected: AuthorizationException | None = None,
    ) -> RESTResponse:
        """Call ``send()`` with the token in ``headers``; once more with a fresh one if rejected.

        ``rejected`` is the refusal of an attempt already made with ``headers`` (by the
        event-loop path): it is handled as if ``send()`` had just raised it.

        Raises:
            AuthorizationException: Refused, and no fresh token helped (``detail`` says
                when no credentials are configured).
        """
        token = self._current() if rejected is None else headers.get(AUTH_HEADER)
        if token is not None and rejected is None:
            headers[AUTH_HEADER] = token
        try:
            if rejected is not None:
                raise rejected
            return send()
        except AuthorizationException as exc:
            if token is None or exc.error_code not in _REFRESH_ERRORS:
                if token is None and not self._disabled:
                    exc.detail = self._missing_credentials_hint()
                raise
            logger.info("Auth token rejected (%s); fetching a new one", exc.error_code)
            fresh = self._refresh(stale=token)
            if fresh is None:
                raise
        headers[AUTH_HEADER] = fresh
        # Retried once; a second refusal propagates.
        return send()

    def ready_token(self) -> str | Literal[False] | None:
        """The token to send, if known without a request.

        Returns:
            The token; None when requests carry no token; False when one must be fetched
            (or refreshed) first.
        """
        if self._configuration.authentication_settings is None:
            return self._configuration.AUTH_TOKEN  # a token the user set directly
        if self._disabled:
            return None
        token = self._token
        ttl_s = self._configuration.auth_token_ttl_min * 60
        if token is not None and time.monotonic() - self._fetched_at < ttl_s:
            return token
        return False

    def _current(self) -> str | None:
        token = self.ready_token()
        if token is False:
            return self._refresh(stale=self._token)
        return token

    def _refresh(self, stale: str | None) -> str | None:
        with self._lock:
            if self._disabled:
                return None
            if self._token is not None and self._token != stale:
                return self._token  # another thread already refreshed it
            return self._fetch()

    def _fetch(self) -> str | None:
        settings = self._configuration.authentication_settings
        if settings is None:
            return None
        host = self._configuration.host
        described = f"key id {settings.key_id!r} at {host}"
        if not settings.key_id or not settings.key_secret:
            missing = "key id" if not settings.key_id else "key secret"
            exc = AuthorizationException(status=401, reason="Unauthorized", method="POST")
            exc.detail = f"the {missing} is empty: cannot authenticate {described}"
            raise exc
        reset_after_fork(self)
        body = {"keyId": settings.key_id, "keySecret": settings.key_secret}
        headers = {**self._default_headers, "Accept": "application/json"}
        try:
            response = self._rest_client.request("POST", host + TOKEN_PATH, None, headers, body)
        except AuthorizationException as exc:
            exc.detail = f"the server rejected the credentials of {described}"
            raise
        except ApiException as exc:
            if exc.status == 404:
                self._disable(host)
                return None
            exc.detail = f"could not get an auth token for {described}"
            raise
        token = _token_from(response)
        self._token = token
        self._fetched_at = time.monotonic()
        self._configuration.update_token(token)
        logger.debug("Fetched an auth token for key id %r", settings.key_id)
        return token

    def _disable(self, host: str) -> None:
        self._disabled = True
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
            f"{self._configuration.host} requires authentication but no credentials are "
            "configured: pass authentication_settings or set CONDUCTOR_AUTH_KEY and "
            "CONDUCTOR_AUTH_SECRET"
        )


def _token_from(response: RESTResponse) -> str:
    try:
        token = json.loads(response.data).get("token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not token:
        raise unreadable(response, "Token", "the response has no 'token' field")
    return token
