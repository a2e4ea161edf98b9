"""Token auth (reference §2): off by default, Orkes-style when a key and secret are given."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from server_helpers import Api

from conductor.client.testing import InMemoryConductorServer

KEY, SECRET = "key-id", "key-secret"


@pytest.fixture
def secured() -> Iterator[InMemoryConductorServer]:
    with InMemoryConductorServer(
        auth_key_id=KEY, auth_key_secret=SECRET, token_ttl_seconds=0.5
    ) as server:
        yield server


@pytest.fixture
def secured_api(secured: InMemoryConductorServer) -> Iterator[Api]:
    client = Api(secured.url)
    try:
        yield client
    finally:
        client.close()


def _token(api: Api) -> str:
    response = api.post("/token", json={"keyId": KEY, "keySecret": SECRET})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def test_token_endpoint_is_404_when_auth_is_off(api: Api):
    response = api.post("/token", json={"keyId": KEY, "keySecret": SECRET})

    assert response.status_code == 404


def test_auth_headers_are_ignored_when_auth_is_off(api: Api, task_type: str):
    response = api.get(f"/tasks/poll/{task_type}", headers={"X-Authorization": "garbage"})

    assert response.status_code == 204


def test_token_is_issued_for_valid_credentials(secured_api: Api):
    response = secured_api.post("/token", json={"keyId": KEY, "keySecret": SECRET})

    assert response.status_code == 200
    assert set(response.json()) == {"token"}


@pytest.mark.parametrize(
    "body", [{"keyId": KEY, "keySecret": "wrong"}, {"keyId": "other", "keySecret": SECRET}, {}]
)
def test_wrong_credentials_get_401(secured_api: Api, body: dict[str, str]):
    response = secured_api.post("/token", json=body)

    assert response.status_code == 401


def test_calls_without_token_get_invalid_token(secured_api: Api, task_type: str):
    response = secured_api.get(f"/tasks/poll/{task_type}")

    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_TOKEN"
    assert response.json()["message"]


def test_calls_with_unknown_token_get_invalid_token(secured_api: Api, task_type: str):
    response = secured_api.get(f"/tasks/poll/{task_type}", headers={"X-Authorization": "nope"})

    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_TOKEN"


def test_valid_token_is_accepted_then_expires(
    secured_api: Api, secured: InMemoryConductorServer, task_type: str
):
    token = _token(secured_api)
    headers = {"X-Authorization": token}

    accepted = secured_api.get(f"/tasks/poll/{task_type}", headers=headers)

    assert accepted.status_code == 204
    expired: list[requests.Response] = []

    def rejected() -> bool:
        expired[:] = [secured_api.get(f"/tasks/poll/{task_type}", headers=headers)]
        return expired[0].status_code == 401

    secured.wait_for(rejected, timeout=10, interval=0.05)
    assert expired[0].json() == {"error": "EXPIRED_TOKEN", "message": "Token expired"}
    fresh = {"X-Authorization": _token(secured_api)}
    assert secured_api.get(f"/tasks/poll/{task_type}", headers=fresh).status_code == 204


def test_expire_tokens_helper():
    with InMemoryConductorServer(auth_key_id=KEY, auth_key_secret=SECRET) as server:
        client = Api(server.url)
        try:
            headers = {"X-Authorization": _token(client)}
            assert client.get("/metadata/taskdefs", headers=headers).status_code == 200

            server.expire_tokens()

            response = client.get("/metadata/taskdefs", headers=headers)
            assert response.status_code == 401
            assert response.json()["error"] == "EXPIRED_TOKEN"
        finally:
            client.close()


def test_auth_applies_to_metadata_and_workflow_routes(secured_api: Api):
    assert secured_api.get("/metadata/taskdefs").status_code == 401
    assert secured_api.post("/workflow", json={"name": "x"}).status_code == 401
    assert secured_api.get("/workflow/x").status_code == 401


def test_key_without_secret_is_rejected():
    with pytest.raises(ValueError, match="together"):
        InMemoryConductorServer(auth_key_id=KEY)
