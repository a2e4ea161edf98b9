"""Client configuration: server address, credentials, TLS, proxy, timeouts and logging.

A :class:`Configuration` is a plain value. It holds no session, socket or lock, so it pickles
and can be sent to worker processes; the HTTP client builds its connection pool from it lazily,
in the process that makes the requests.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from conductor.client.configuration.settings.authentication_settings import (
    AuthenticationSettings,
)

DEFAULT_HOST = "http://localhost:8080/api"
DEFAULT_LOGGER_FORMAT = "%(asctime)s %(name)-12s %(levelname)-8s %(message)s"

ENV_SERVER_URL = "CONDUCTOR_SERVER_URL"
ENV_UI_SERVER_URL = "CONDUCTOR_UI_SERVER_URL"
ENV_AUTH_KEY = "CONDUCTOR_AUTH_KEY"
ENV_AUTH_SECRET = "CONDUCTOR_AUTH_SECRET"
ENV_LOG_LEVEL = "CONDUCTOR_LOG_LEVEL"


class Configuration:
    """Where the Conductor server is and how to talk to it.

    The API root (``host``, which includes ``/api``) is resolved in this order:
    ``server_api_url``, then ``base_url + "/api"``, then env ``CONDUCTOR_SERVER_URL``, then
    ``http://localhost:8080/api``. Credentials default to env ``CONDUCTOR_AUTH_KEY`` and
    ``CONDUCTOR_AUTH_SECRET`` when both are set.

    Args:
        base_url: Server root without ``/api`` (e.g. ``http://localhost:8080``).
        debug: Log at DEBUG instead of INFO (see :attr:`log_level`).
        authentication_settings: Key id and secret, exchanged for a token at ``POST /token``.
        server_api_url: API root including ``/api``; wins over ``base_url``.
        auth_token_ttl_min: Minutes after which a token is refreshed before use.
        verify_ssl: Verify the server's TLS certificate.
        ssl_ca_cert: CA bundle file (or directory) to verify the server with.
        cert_file: Client certificate file for mutual TLS.
        key_file: Private key of ``cert_file`` (when not inside it).
        assert_hostname: Host name to match the server certificate against instead of the
            URL's host; ``False`` disables the host-name check.
        proxy: Proxy URL for all requests; when None, the ``HTTP(S)_PROXY``/``NO_PROXY``
            environment variables apply.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for a response once connected.
        max_retries: Retries of idempotent requests (GET, PUT, DELETE, ...) on connection
            errors and on 429/500/502/503/504; POST is retried only when the connection failed.
        retry_backoff_factor: urllib3 backoff factor between those retries, in seconds.
        pool_maxsize: Connections kept per host (size it for the threads sharing a client).
        log_level: Level name or number; defaults to env ``CONDUCTOR_LOG_LEVEL``, then to
            DEBUG or INFO according to ``debug``.
        register_schema: Whether schema registration is wanted (kept for compatibility).

    Raises:
        ValueError: A timeout, retry or pool setting is out of range.
    """

    AUTH_TOKEN: str | None = None

    def __init__(
        self,
        base_url: str | None = None,
        debug: bool = False,
        authentication_settings: AuthenticationSettings | None = None,
        server_api_url: str | None = None,
        auth_token_ttl_min: int = 45,
        *,
        verify_ssl: bool = True,
        ssl_ca_cert: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
        assert_hostname: str | bool | None = None,
        proxy: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 120.0,
        max_retries: int = 3,
        retry_backoff_factor: float = 0.5,
        pool_maxsize: int = 64,
        log_level: int | str | None = None,
        register_schema: bool | None = None,
    ) -> None:
        self.host = _resolve_host(server_api_url, base_url)
        self.authentication_settings = _resolve_auth(authentication_settings)
        self.auth_token_ttl_min = auth_token_ttl_min
        self.auth_token_ttl_msec = auth_token_ttl_min * 60 * 1000
        self.token_update_time = 0

        self.verify_ssl = verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.assert_hostname = assert_hostname
        self.proxy = proxy
        self.connect_timeout = _positive("connect_timeout", connect_timeout)
        self.read_timeout = _positive("read_timeout", read_timeout)
        self.max_retries = _at_least("max_retries", max_retries, 0)
        self.retry_backoff_factor = _non_negative("retry_backoff_factor", retry_backoff_factor)
        self.pool_maxsize = _at_least("pool_maxsize", pool_maxsize, 1)

        self.temp_folder_path: str | None = None
        self.safe_chars_for_path_param = ""
        # An optional user-supplied requests.Session; never pickled (see __getstate__).
        self.http_connection: Any = None
        self.register_schema = register_schema

        self._logger_format = DEFAULT_LOGGER_FORMAT
        self._debug = bool(debug)
        self._log_level = _resolve_log_level(log_level, self._debug)

    # -- server address -----------------------------------------------------------------

    @property
    def ui_host(self) -> str:
        """The UI root: env ``CONDUCTOR_UI_SERVER_URL``, else ``host`` without ``/api``."""
        env = os.environ.get(ENV_UI_SERVER_URL)
        if env:
            return env
        return self.host[: -len("/api")] if self.host.endswith("/api") else self.host

    @property
    def timeout(self) -> tuple[float, float]:
        """The default ``(connect, read)`` timeout of every request, in seconds."""
        return (self.connect_timeout, self.read_timeout)

    # -- token state (kept for conductor-python compatibility) ----------------------------

    def update_token(self, token: str | None) -> None:
        """Record the current auth token and when it was fetched (ms since the epoch)."""
        self.AUTH_TOKEN = token
        self.token_update_time = round(time.time() * 1000)

    # -- logging ------------------------------------------------------------------------

    @property
    def debug(self) -> bool:
        """Whether DEBUG logging is on; setting it also sets :attr:`log_level`."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = bool(value)
        self._log_level = logging.DEBUG if self._debug else logging.INFO

    @property
    def log_level(self) -> int:
        """The level :meth:`apply_logging_config` uses by default."""
        return self._log_level

    @property
    def logger_format(self) -> str:
        """The format :meth:`apply_logging_config` uses by default."""
        return self._logger_format

    @logger_format.setter
    def logger_format(self, value: str) -> None:
        self._logger_format = value

    def apply_logging_config(
        self, log_format: str | None = None, level: int | str | None = None
    ) -> None:
        """Configure the root logger with ``logging.basicConfig``.

        Args:
            log_format: Format string; defaults to :attr:`logger_format`.
            level: Level; defaults to :attr:`log_level`.
        """
        logging.basicConfig(
            format=log_format or self.logger_format,
            level=self.log_level if level is None else level,
        )
        # urllib3 logs every connection at DEBUG; that drowns the SDK's own messages.
        logging.getLogger("urllib3").setLevel(logging.WARNING)

    @staticmethod
    def get_logging_formatted_name(name: str) -> str:
        """Return ``name`` prefixed with the current process id, as conductor-python does."""
        return f"[{os.getpid()}] {name}"

    # -- value behaviour ----------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        # A session holds sockets and locks, and a token belongs to the process that
        # fetched it: a child builds both for itself.
        state["http_connection"] = None
        state.pop("AUTH_TOKEN", None)
        state["token_update_time"] = 0
        return state

    def __repr__(self) -> str:
        return (
            f"Configuration(host={self.host!r}, "
            f"authentication_settings={self.authentication_settings!r}, "
            f"debug={self.debug!r}, verify_ssl={self.verify_ssl!r}, proxy={self.proxy!r}, "
            f"timeout={self.timeout!r})"
        )


def _resolve_host(server_api_url: str | None, base_url: str | None) -> str:
    if server_api_url:
        host = server_api_url
    elif base_url:
        host = base_url.rstrip("/") + "/api"
    else:
        host = os.environ.get(ENV_SERVER_URL) or DEFAULT_HOST
    # A trailing slash would double up with the resource paths ("/api//tasks").
    return host.rstrip("/")


def _resolve_auth(given: AuthenticationSettings | None) -> AuthenticationSettings | None:
    if given is not None:
        return given
    key_id = os.environ.get(ENV_AUTH_KEY)
    key_secret = os.environ.get(ENV_AUTH_SECRET)
    if key_id and key_secret:
        return AuthenticationSettings(key_id=key_id, key_secret=key_secret)
    return None


def _resolve_log_level(given: int | str | None, debug: bool) -> int:
    if given is None:
        given = os.environ.get(ENV_LOG_LEVEL) or None
    if given is None:
        return logging.DEBUG if debug else logging.INFO
    if isinstance(given, int):
        return given
    text = given.strip()
    if text.isdigit():
        return int(text)
    level = logging.getLevelName(text.upper())
    if not isinstance(level, int):
        raise ValueError(f"log_level: unknown logging level {given!r}")
    return level


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    return float(value)


def _non_negative(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)


def _at_least(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value
