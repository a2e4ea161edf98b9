"""Configuration: host and credential resolution, logging helpers, validation, pickling."""

from __future__ import annotations

import logging
import os
import pickle
from typing import Any

import pytest
import requests

from conductor.client.configuration import (
    AuthenticationSettings,
    Configuration,
    MetricsSettings,
)
from conductor.client.configuration.settings import metrics_settings

SECRET = "super-secret-value"


@pytest.mark.parametrize(
    ("server_api_url", "base_url", "env", "expected"),
    [
        ("http://a:1/api", "http://b:2", "http://c:3/api", "http://a:1/api"),
        (None, "http://b:2", "http://c:3/api", "http://b:2/api"),
        (None, None, "http://c:3/api", "http://c:3/api"),
        (None, None, None, "http://localhost:8080/api"),
        (None, None, "", "http://localhost:8080/api"),
        ("", "", None, "http://localhost:8080/api"),
        ("http://a:1/api/", None, None, "http://a:1/api"),
        (None, "http://b:2/", None, "http://b:2/api"),
    ],
    ids=[
        "server_api_url-wins",
        "base_url-next",
        "env-next",
        "default",
        "empty-env",
        "empty-arguments",
        "trailing-slash",
        "base-trailing-slash",
    ],
)
def test_host_resolution_order(monkeypatch, server_api_url, base_url, env, expected) -> None:
    if env is not None:
        monkeypatch.setenv("CONDUCTOR_SERVER_URL", env)

    configuration = Configuration(base_url=base_url, server_api_url=server_api_url)

    assert configuration.host == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"CONDUCTOR_AUTH_KEY": "k", "CONDUCTOR_AUTH_SECRET": "s"},
            AuthenticationSettings("k", "s"),
        ),
        ({"CONDUCTOR_AUTH_KEY": "k"}, None),
        ({"CONDUCTOR_AUTH_SECRET": "s"}, None),
        ({}, None),
    ],
)
def test_credentials_from_the_environment(monkeypatch, env, expected) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert Configuration().authentication_settings == expected


def test_given_credentials_win_over_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CONDUCTOR_AUTH_KEY", "env-key")
    monkeypatch.setenv("CONDUCTOR_AUTH_SECRET", "env-secret")
    given = AuthenticationSettings(key_id="mine", key_secret="mine-secret")

    assert Configuration(authentication_settings=given).authentication_settings is given


def test_defaults_match_the_reference() -> None:
    configuration = Configuration()

    assert configuration.debug is False
    assert configuration.log_level == logging.INFO
    assert configuration.auth_token_ttl_min == 45
    assert configuration.auth_token_ttl_msec == 45 * 60 * 1000
    assert configuration.AUTH_TOKEN is None
    assert configuration.token_update_time == 0
    assert configuration.verify_ssl is True
    assert (configuration.ssl_ca_cert, configuration.cert_file, configuration.key_file) == (
        None,
        None,
        None,
    )
    assert (configuration.proxy, configuration.assert_hostname) == (None, None)
    assert configuration.temp_folder_path is None
    assert configuration.safe_chars_for_path_param == ""
    assert configuration.http_connection is None
    assert configuration.timeout == (10.0, 120.0)
    assert configuration.logger_format == "%(asctime)s %(name)-12s %(levelname)-8s %(message)s"


def test_ui_host(monkeypatch) -> None:
    configuration = Configuration(server_api_url="http://conductor:8080/api")

    assert configuration.ui_host == "http://conductor:8080"
    assert Configuration(server_api_url="http://other/v1").ui_host == "http://other/v1"
    monkeypatch.setenv("CONDUCTOR_UI_SERVER_URL", "http://ui:5000")
    assert configuration.ui_host == "http://ui:5000"


def test_update_token_records_the_token_and_when() -> None:
    configuration = Configuration()

    configuration.update_token("tok")

    assert configuration.AUTH_TOKEN == "tok"
    assert configuration.token_update_time > 1_600_000_000_000  # ms since the epoch
    assert Configuration.AUTH_TOKEN is None  # the class attribute is untouched


# -- logging --------------------------------------------------------------------------------


def test_debug_setter_sets_the_log_level() -> None:
    configuration = Configuration(debug=True)
    assert configuration.log_level == logging.DEBUG

    configuration.debug = False

    assert (configuration.debug, configuration.log_level) == (False, logging.INFO)


@pytest.mark.parametrize(
    ("given", "env", "expected"),
    [
        ("warning", None, logging.WARNING),
        (logging.ERROR, None, logging.ERROR),
        (None, "DEBUG", logging.DEBUG),
        (None, "30", logging.WARNING),
        ("INFO", "DEBUG", logging.INFO),
    ],
)
def test_log_level_from_argument_or_environment(monkeypatch, given, env, expected) -> None:
    if env is not None:
        monkeypatch.setenv("CONDUCTOR_LOG_LEVEL", env)

    assert Configuration(log_level=given).log_level == expected


def test_unknown_log_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="log_level: unknown logging level 'LOUD'"):
        Configuration(log_level="LOUD")


def test_apply_logging_config(monkeypatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(logging, "basicConfig", lambda **kwargs: calls.append(kwargs))
    configuration = Configuration(debug=True)
    configuration.logger_format = "%(message)s"

    configuration.apply_logging_config()
    configuration.apply_logging_config(log_format="%(name)s", level=logging.ERROR)

    assert calls == [
        {"format": "%(message)s", "level": logging.DEBUG},
        {"format": "%(name)s", "level": logging.ERROR},
    ]
    assert logging.getLogger("urllib3").level == logging.WARNING


def test_get_logging_formatted_name() -> None:
    assert Configuration.get_logging_formatted_name("worker") == f"[{os.getpid()}] worker"


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("connect_timeout", 0, "connect_timeout must be a positive number of seconds, got 0"),
        ("read_timeout", -1.5, "read_timeout must be a positive number of seconds, got -1.5"),
        ("read_timeout", "10", "read_timeout must be a positive number of seconds, got '10'"),
        ("max_retries", -1, "max_retries must be an integer >= 0, got -1"),
        ("pool_maxsize", 0, "pool_maxsize must be an integer >= 1, got 0"),
        ("retry_backoff_factor", -0.1, "retry_backoff_factor must be a number >= 0, got -0.1"),
    ],
)
def test_bad_transport_settings_are_rejected(field, value, message) -> None:
    with pytest.raises(ValueError, match=message):
        Configuration(**{field: value})


# -- value behaviour ------------------------------------------------------------------------


def test_repr_hides_the_secret() -> None:
    configuration = Configuration(
        server_api_url="http://h/api",
        authentication_settings=AuthenticationSettings(key_id="kid", key_secret=SECRET),
    )
    configuration.update_token("tok-zzz")

    text = repr(configuration) + str(configuration)

    assert "kid" in text
    assert "http://h/api" in text
    assert SECRET not in text
    assert "tok-zzz" not in text


def test_authentication_settings_repr_hides_the_secret() -> None:
    settings = AuthenticationSettings(key_id="kid", key_secret=SECRET)

    assert repr(settings) == "AuthenticationSettings(key_id='kid', key_secret='***')"
    assert str(settings) == repr(settings)
    assert (settings.key_id, settings.key_secret) == ("kid", SECRET)


def test_configuration_pickles_with_every_setting() -> None:
    configuration = Configuration(
        server_api_url="https://h/api",
        debug=True,
        authentication_settings=AuthenticationSettings("kid", SECRET),
        auth_token_ttl_min=10,
        verify_ssl=False,
        cert_file="/c.pem",
        proxy="http://p:1",
        connect_timeout=2,
        read_timeout=30,
        max_retries=1,
    )

    copy = pickle.loads(pickle.dumps(configuration))

    assert vars(copy) == vars(configuration)
    assert copy.authentication_settings == AuthenticationSettings("kid", SECRET)
    assert (copy.debug, copy.log_level, copy.timeout) == (True, logging.DEBUG, (2.0, 30.0))


def test_pickling_drops_the_session_and_the_token() -> None:
    configuration = Configuration()
    configuration.http_connection = requests.Session()
    configuration.update_token("tok-parent")

    copy = pickle.loads(pickle.dumps(configuration))

    assert copy.http_connection is None
    assert copy.AUTH_TOKEN is None
    assert copy.token_update_time == 0
    assert configuration.AUTH_TOKEN == "tok-parent"  # the original is unchanged


def test_pickles_after_a_client_used_it() -> None:
    from conductor.client.http.api_client import ApiClient

    configuration = Configuration(server_api_url="http://h/api")
    client = ApiClient(configuration)
    assert client.rest_client.connection is not None

    assert pickle.loads(pickle.dumps(configuration)).host == "http://h/api"


# -- metrics settings -----------------------------------------------------------------------


def test_metrics_settings_creates_nested_directories(tmp_path) -> None:
    target = tmp_path / "a" / "b" / "metrics"

    settings = MetricsSettings(directory=str(target), file_name="m.prom", update_interval=5)

    assert target.is_dir()
    assert (settings.directory, settings.file_name, settings.update_interval) == (
        str(target),
        "m.prom",
        5,
    )


def test_metrics_settings_defaults(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    settings = MetricsSettings()

    assert metrics_settings.get_default_temporary_folder() == f"{tmp_path}/tmp/"
    assert settings.directory == f"{tmp_path}/tmp/"
    assert (tmp_path / "tmp").is_dir()
    assert (settings.file_name, settings.update_interval) == ("metrics.log", 0.1)


def test_metrics_directory_failure_is_logged(tmp_path, caplog) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")

    with caplog.at_level(logging.WARNING):
        settings = MetricsSettings(directory=str(blocker / "metrics"))

    assert settings.directory == str(blocker / "metrics")
    assert f"Could not create the metrics directory {blocker / 'metrics'}: " in caplog.text
