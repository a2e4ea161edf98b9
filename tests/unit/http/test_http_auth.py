"""Token auth: lazy fetch, reuse, refresh, open-source servers without /token, clear errors."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import pytest
import responses
from http_support import HOST, LocalServer, Received
from responses import matchers

from conductor.client.configuration.configuration import Configuration
from conductor.client.configuration.settings.authentication_settings import (
    AuthenticationSettings,
)
from conductor.client.http import _auth
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api.token_resource_api import TokenResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import GenerateTokenRequest, Token
from conductor.client.http.rest import ApiException, AuthorizationException

KEY_ID = "app-key-1"
KEY_SECRET = "s3cr3t-value-never-logged"
TOKEN_PATH = HOST + "/token"
POLL_PATH = HOST + "/tasks/poll/batch/a"
CREDENTIALS = {"keyId": KEY_ID, "keySecret": KEY_SECRET}


def _client(ttl_min: int = 45, host: str = HOST, secret: str = KEY_SECRET) -> ApiClient:
    settings = AuthenticationSettings(key_id=KEY_ID, key_secret=secret)
    configuration = Configuration(
        server_api_url=host,
        authentication_settings=settings,
        auth_token_ttl_min=ttl_min,
        max_retries=0,
    )
    return ApiClient(configuration)


def _token_reply(rsps: responses.RequestsMock, *tokens: str) -> None:
    for token in tokens:
        rsps.post(
            TOKEN_PATH,
            json={"token": token},
            match=[matchers.json_params_matcher(CREDENTIALS, strict_match=True)],
        )


def _tokens_sent(rsps: responses.RequestsMock) -> list[str | None]:
    return [
        call.request.headers.get("X-Authorization")
        for call in rsps.calls
        if call.request.url != TOKEN_PATH
    ]


def _token_calls(rsps: responses.RequestsMock) -> list[Any]:
    return [call for call in rsps.calls if call.request.url == TOKEN_PATH]


@pytest.fixture
def ordered(rsps: responses.RequestsMock) -> responses.RequestsMock:
    rsps.registry = responses.registries.OrderedRegistry()  # type: ignore[assignment]
    return rsps


@pytest.fixture(autouse=True)
def _forget_no_auth_hosts() -> None:
    _auth._no_auth_hosts.clear()


def test_no_token_is_fetched_when_the_client_is_built(rsps) -> None:
    client = _client()

    TaskResourceApi(client)

    assert client.rest_client._session is None
    assert len(rsps.calls) == 0


def test_token_is_fetched_once_and_reused(rsps) -> None:
    _token_reply(rsps, "tok-1")
    rsps.get(POLL_PATH, json=[])
    api = TaskResourceApi(_client())

    api.batch_poll("a")
    api.batch_poll("a")
    api.batch_poll("a")

    token_calls = _token_calls(rsps)
    assert len(token_calls) == 1
    assert "X-Authorization" not in token_calls[0].request.headers
    assert _tokens_sent(rsps) == ["tok-1"] * 3


def test_token_is_fetched_once_across_threads(local_server: LocalServer) -> None:
    def slow_token(_: Received) -> tuple[int, dict[str, str], bytes]:
        time.sleep(0.05)  # widen the window in which every thread wants a token
        return 200, {"Content-Type": "application/json"}, b'{"token": "tok-threads"}'

    local_server.route("POST", "/api/token", slow_token)
    local_server.json("GET", "/api/tasks/poll/batch/a", [])
    api = TaskResourceApi(_client(host=local_server.url))
    errors: list[BaseException] = []

    def poll_many() -> None:
        try:
            for _ in range(5):
                api.batch_poll("a")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=poll_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert local_server.count("POST", "/api/token") == 1
    polls = [r for r in local_server.received if r.path == "/api/tasks/poll/batch/a"]
    assert len(polls) == 40
    assert {r.headers.get("X-Authorization") for r in polls} == {"tok-threads"}


def test_token_is_refreshed_when_older_than_the_ttl(ordered) -> None:
    _token_reply(ordered, "tok-1")
    ordered.get(POLL_PATH, json=[])
    _token_reply(ordered, "tok-2")
    ordered.get(POLL_PATH, json=[])
    api = TaskResourceApi(_client(ttl_min=0))  # every token is already too old

    api.batch_poll("a")
    api.batch_poll("a")

    assert len(_token_calls(ordered)) == 2
    assert _tokens_sent(ordered) == ["tok-1", "tok-2"]


@pytest.mark.parametrize("error", ["EXPIRED_TOKEN", "INVALID_TOKEN"])
def test_rejected_token_is_refreshed_and_the_call_retried_once(ordered, error) -> None:
    _token_reply(ordered, "tok-1")
    ordered.get(POLL_PATH, status=401, json={"error": error, "message": "token rejected"})
    _token_reply(ordered, "tok-2")
    ordered.get(POLL_PATH, json=[])
    api = TaskResourceApi(_client())

    assert api.batch_poll("a") == []
    assert _tokens_sent(ordered) == ["tok-1", "tok-2"]


def test_a_second_rejection_after_refresh_propagates(ordered) -> None:
    _token_reply(ordered, "tok-1")
    ordered.get(POLL_PATH, status=401, json={"error": "EXPIRED_TOKEN"})
    _token_reply(ordered, "tok-2")
    ordered.get(POLL_PATH, status=401, json={"error": "EXPIRED_TOKEN"})
    api = TaskResourceApi(_client())

    with pytest.raises(AuthorizationException) as caught:
        api.batch_poll("a")

    assert caught.value.token_expired
    assert len(ordered.calls) == 4


def test_other_authorization_errors_do_not_refresh(rsps) -> None:
    _token_reply(rsps, "tok-1")
    rsps.get(POLL_PATH, status=403, json={"error": "ACCESS_DENIED", "message": "no"})
    api = TaskResourceApi(_client())

    with pytest.raises(AuthorizationException, match="ACCESS_DENIED"):
        api.batch_poll("a")

    assert len(_token_calls(rsps)) == 1


def test_server_without_token_endpoint_means_no_auth(rsps, caplog) -> None:
    rsps.post(TOKEN_PATH, status=404, json={"status": 404, "message": "Not Found"})
    rsps.get(POLL_PATH, json=[])
    api = TaskResourceApi(_client())

    with caplog.at_level(logging.INFO, logger="conductor.client.http"):
        api.batch_poll("a")
        api.batch_poll("a")
        TaskResourceApi(_client()).batch_poll("a")

    assert _tokens_sent(rsps) == [None, None, None]
    assert len(_token_calls(rsps)) == 2  # once per client, then remembered
    notices = [r for r in caplog.records if "does not use authentication" in r.getMessage()]
    assert len(notices) == 1
    assert notices[0].levelno == logging.INFO


def test_wrong_credentials_give_one_clear_error(rsps) -> None:
    rsps.post(TOKEN_PATH, status=401, json={"error": "INVALID_CREDENTIALS", "message": "bad key"})
    api = TaskResourceApi(_client())

    with pytest.raises(AuthorizationException) as caught:
        api.batch_poll("a")

    message = str(caught.value)
    assert f"the server rejected the credentials of key id '{KEY_ID}' at {HOST}" in message
    assert KEY_SECRET not in message
    assert len(rsps.calls) == 1  # the poll itself was never sent


def test_empty_secret_fails_before_any_request(rsps) -> None:
    api = TaskResourceApi(_client(secret=""))

    with pytest.raises(AuthorizationException, match=f"the key secret is empty.*'{KEY_ID}'"):
        api.batch_poll("a")

    assert len(rsps.calls) == 0


def test_server_requiring_auth_without_credentials_says_so(rsps) -> None:
    rsps.get(POLL_PATH, status=401, json={"message": "Unauthorized"})
    api = TaskResourceApi(ApiClient(Configuration(server_api_url=HOST)))

    with pytest.raises(AuthorizationException, match="no credentials are configured"):
        api.batch_poll("a")


def test_token_endpoint_failure_names_the_key_and_server(rsps) -> None:
    rsps.post(TOKEN_PATH, status=500, json={"status": 500, "message": "db down"})
    api = TaskResourceApi(_client())

    with pytest.raises(ApiException) as caught:
        api.batch_poll("a")

    assert caught.value.status == 500
    assert f"could not get an auth token for key id '{KEY_ID}' at {HOST}" in str(caught.value)


def test_token_response_without_token_field_is_an_error(rsps) -> None:
    rsps.post(TOKEN_PATH, json={"unexpected": True})
    api = TaskResourceApi(_client())

    with pytest.raises(ApiException, match="no 'token' field"):
        api.batch_poll("a")


def test_user_set_token_is_sent_without_credentials(rsps) -> None:
    rsps.get(POLL_PATH, json=[])
    configuration = Configuration(server_api_url=HOST)
    configuration.update_token("preset-token")

    TaskResourceApi(ApiClient(configuration)).batch_poll("a")

    assert _tokens_sent(rsps) == ["preset-token"]


def test_token_resource_api_generates_a_token_without_auth_header(rsps) -> None:
    _token_reply(rsps, "tok-api")
    api = TokenResourceApi(_client())

    token = api.generate_token(GenerateTokenRequest(key_id=KEY_ID, key_secret=KEY_SECRET))

    assert token == Token(token="tok-api")
    assert len(rsps.calls) == 1
    assert "X-Authorization" not in rsps.calls[0].request.headers


def test_token_resource_api_user_info(rsps) -> None:
    _token_reply(rsps, "tok-1")
    rsps.get(HOST + "/token/userInfo", json={"id": "app-key-1", "roles": ["WORKER"]})

    assert TokenResourceApi(_client()).get_user_info() == {"id": "app-key-1", "roles": ["WORKER"]}
    assert rsps.calls[1].request.headers["X-Authorization"] == "tok-1"


def test_secrets_and_tokens_never_reach_logs_reprs_or_errors(local_server, caplog) -> None:
    """Every auth path at DEBUG: neither the secret nor any token may appear anywhere."""
    issued = iter(["tok-AAA-111", "tok-BBB-222"])
    rejected_once = threading.Event()

    def token(request: Received) -> tuple[int, dict[str, str], bytes]:
        assert json.loads(request.body) == CREDENTIALS
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"token": next(issued)}).encode(),
        )

    def poll(request: Received) -> tuple[int, dict[str, str], bytes]:
        if not rejected_once.is_set():
            rejected_once.set()
            return 401, {"Content-Type": "application/json"}, b'{"error":"EXPIRED_TOKEN"}'
        return 200, {"Content-Type": "application/json"}, b"[]"

    local_server.route("POST", "/api/token", token)
    local_server.route("GET", "/api/tasks/poll/batch/a", poll)
    client = _client(host=local_server.url)
    api = TaskResourceApi(client)
    texts: list[str] = []

    with caplog.at_level(logging.DEBUG):
        api.batch_poll("a")  # fetch, rejected, refresh, retry
        local_server.json("POST", "/api/token", {"error": "INVALID_CREDENTIALS"}, status=401)
        bad = _client(host=local_server.url)
        with pytest.raises(AuthorizationException) as caught:
            TaskResourceApi(bad).batch_poll("a")
        logging.getLogger("test").exception("auth failed", exc_info=caught.value)
        texts += [str(caught.value), repr(caught.value), repr(client.configuration)]
        texts += [str(client.configuration), repr(client.configuration.authentication_settings)]

    assert local_server.count("POST", "/api/token") == 3
    assert "Fetched an auth token for key id" in caplog.text  # DEBUG records were captured
    assert "Auth token rejected (EXPIRED_TOKEN)" in caplog.text
    texts.append(caplog.text)
    for text in texts:
        for secret in (KEY_SECRET, "tok-AAA-111", "tok-BBB-222"):
            assert secret not in text
