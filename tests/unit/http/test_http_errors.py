"""How failures reach the caller: typed exceptions with clear messages, never a hang."""

from __future__ import annotations

import pickle

import pytest
import requests
import responses
from http_samples import ERROR_404_JSON
from http_support import HOST

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api.workflow_resource_api import WorkflowResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import TaskResult
from conductor.client.http.rest import ApiException, AuthorizationException

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>"
)


@pytest.fixture
def api(api_client: ApiClient) -> TaskResourceApi:
    return TaskResourceApi(api_client)


def _error(status: int, message: str) -> dict[str, object]:
    return {"status": status, "message": message, "instance": "host-1", "retryable": status >= 500}


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        (400, "Bad Request", "Long Poll Timeout value cannot be more than 5 seconds"),
        (404, "Not Found", "No such task found by id: abc"),
        (409, "Conflict", "Workflow with wf.1 already exists!"),
        (500, "Internal Server Error", "Queue unavailable"),
    ],
)
def test_http_error_carries_the_server_error_body(rsps, api, status, reason, message) -> None:
    rsps.get(HOST + "/tasks/abc", status=status, json=_error(status, message))

    with pytest.raises(ApiException) as caught:
        api.get_task("abc")

    exc = caught.value
    assert type(exc) is ApiException
    assert (exc.status, exc.code, exc.reason, exc.message) == (status, status, reason, message)
    assert exc.is_not_found() is (status == 404)
    assert '"retryable"' in exc.body
    assert exc.headers["Content-Type"] == "application/json"
    assert str(exc) == f"HTTP {status} {reason} from GET {HOST}/tasks/abc: {message}"


def test_html_502_from_a_proxy_is_summarised(rsps, api) -> None:
    rsps.get(HOST + "/tasks/poll/batch/a", status=502, body=NGINX_502, content_type="text/html")

    with pytest.raises(ApiException) as caught:
        api.batch_poll("a")

    exc = caught.value
    assert (exc.status, exc.reason, exc.body) == (502, "Bad Gateway", NGINX_502)
    assert str(exc).startswith(f"HTTP 502 Bad Gateway from GET {HOST}/tasks/poll/batch/a: body: ")
    assert "<title>502 Bad Gateway</title>" in str(exc)
    assert "\r\n" not in str(exc)


def test_long_error_bodies_are_cut_in_the_message(rsps, api) -> None:
    rsps.get(HOST + "/tasks/abc", status=500, body="x" * 10_000, content_type="text/plain")

    with pytest.raises(ApiException) as caught:
        api.get_task("abc")

    assert len(str(caught.value)) < 500
    assert len(caught.value.body) == 10_000


@pytest.mark.parametrize("body", ["{not json", '{"taskId": "a"'], ids=["garbage", "truncated"])
def test_malformed_json_where_a_model_is_expected(rsps, api, body) -> None:
    rsps.get(HOST + "/tasks/poll/a", status=200, body=body, content_type="application/json")

    with pytest.raises(ApiException) as caught:
        api.poll("a")

    exc = caught.value
    assert exc.status == 200
    assert exc.reason.startswith("the response body could not be parsed as Task: not valid JSON")
    assert f"from GET {HOST}/tasks/poll/a" in str(exc)


def test_json_of_the_wrong_shape_where_a_model_is_expected(rsps, api) -> None:
    rsps.get(HOST + "/tasks/poll/batch/a", json={"taskId": "not-a-list"})

    with pytest.raises(ApiException, match=r"could not be parsed as list\[Task\]: expected a JSON"):
        api.batch_poll("a")


def test_authorization_errors_are_typed(rsps, api) -> None:
    body = {"error": "ACCESS_DENIED", "message": "no access to a"}
    rsps.get(HOST + "/tasks/poll/a", status=403, json=body)

    with pytest.raises(AuthorizationException) as caught:
        api.poll("a")

    exc = caught.value
    assert (exc.status_code, exc.error_code) == (403, "ACCESS_DENIED")
    assert not exc.token_expired
    assert not exc.invalid_token
    assert str(exc).startswith(f"Authorization failed (HTTP 403, ACCESS_DENIED) from GET {HOST}")


@pytest.mark.parametrize(
    ("code", "expired", "invalid"),
    [("EXPIRED_TOKEN", True, False), ("INVALID_TOKEN", False, True), ("", False, False)],
)
def test_authorization_exception_reads_the_error_field(code, expired, invalid) -> None:
    exc = AuthorizationException(status=401, reason="Unauthorized", body=f'{{"error":"{code}"}}')

    assert (exc.error_code, exc.token_expired, exc.invalid_token) == (code, expired, invalid)


def test_connection_refused_is_a_transport_error(closed_port) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    api = TaskResourceApi(ApiClient(Configuration(server_api_url=url + "/api", max_retries=0)))

    with pytest.raises(ApiException) as caught:
        api.batch_poll("a", count=1)

    exc = caught.value
    assert exc.status == 0
    assert isinstance(exc.__cause__, requests.ConnectionError)
    assert f"could not connect to {url} (GET /api/tasks/poll/batch/a)" in str(exc)
    assert "Connection refused" in str(exc)


def test_connection_refused_is_retried_then_reported(closed_port, monkeypatch) -> None:
    url = f"http://127.0.0.1:{closed_port}/api"
    client = ApiClient(Configuration(server_api_url=url, max_retries=2, retry_backoff_factor=0))
    attempts = []
    real = requests.adapters.HTTPAdapter.send

    def counting_send(adapter, request, **kwargs):
        attempts.append(request.url)
        return real(adapter, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", counting_send)

    with pytest.raises(ApiException, match="could not connect"):
        TaskResourceApi(client).update_task(TaskResult(task_id="t", workflow_instance_id="w"))

    assert client.rest_client.connection.get_adapter(url).max_retries.connect == 2
    assert len(attempts) == 1  # urllib3 retried inside one adapter call


def test_read_timeout_is_a_transport_error(silent_port) -> None:
    url = f"http://127.0.0.1:{silent_port}"
    api = TaskResourceApi(ApiClient(Configuration(server_api_url=url + "/api")))

    with pytest.raises(ApiException) as caught:
        # POST: not retried after the request was sent, so one read timeout ends it.
        api.update_task(TaskResult(task_id="t", workflow_instance_id="w"), _request_timeout=0.3)

    exc = caught.value
    assert exc.status == 0
    assert isinstance(exc.__cause__, requests.ReadTimeout)
    assert f"no response from {url} within 0.3 s (POST /api/tasks)" in str(exc)


def test_configured_read_timeout_bounds_every_call(silent_port) -> None:
    url = f"http://127.0.0.1:{silent_port}/api"
    configuration = Configuration(server_api_url=url, read_timeout=0.3, max_retries=0)

    with pytest.raises(ApiException, match=r"within 0\.3 s"):
        WorkflowResourceApi(ApiClient(configuration)).get_execution_status("wf")


def test_status_retries_apply_to_idempotent_methods_only(rsps) -> None:
    rsps.registry = responses.registries.OrderedRegistry()  # type: ignore[assignment]
    configuration = Configuration(server_api_url=HOST, max_retries=2, retry_backoff_factor=0)
    api = TaskResourceApi(ApiClient(configuration))
    rsps.get(HOST + "/tasks/t1", status=503, json=_error(503, "busy"))
    rsps.get(HOST + "/tasks/t1", status=200, json={"taskId": "t1"})
    rsps.post(HOST + "/tasks", status=503, json=_error(503, "busy"))

    assert api.get_task("t1").task_id == "t1"
    with pytest.raises(ApiException) as caught:
        api.update_task(TaskResult(task_id="t1", workflow_instance_id="w"))

    assert caught.value.status == 503
    assert [call.request.method for call in rsps.calls] == ["GET", "GET", "POST"]


def test_exceptions_pickle_with_their_details(rsps, api) -> None:
    rsps.get(HOST + "/tasks/abc", status=404, json=ERROR_404_JSON)
    with pytest.raises(ApiException) as caught:
        api.get_task("abc")

    copy = pickle.loads(pickle.dumps(caught.value))

    assert type(copy) is ApiException
    assert (copy.status, copy.message, str(copy)) == (
        404,
        ERROR_404_JSON["message"],
        str(caught.value),
    )


def test_exception_built_by_hand_keeps_the_reference_signature() -> None:
    exc = ApiException(status=418, reason="I'm a teapot", body="short and stout")

    assert (exc.status, exc.reason, exc.body, exc.message, exc.headers) == (
        418,
        "I'm a teapot",
        "short and stout",
        "short and stout",
        None,
    )
    assert str(exc) == "HTTP 418 I'm a teapot: body: short and stout"
