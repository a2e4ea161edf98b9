"""RESTClientObject and ApiClient plumbing: the session, its settings, requests as sent."""

from __future__ import annotations

import pickle
import threading
from unittest import mock

import pytest
import requests
from http_support import HOST
from responses import matchers

from conductor.client.configuration.configuration import Configuration
from conductor.client.http import _fork, rest
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.rest import RESTClientObject, RESTResponse, redact_url

# -- the session and its settings -----------------------------------------------------------


def test_session_is_built_on_first_use_only() -> None:
    client = ApiClient(Configuration(server_api_url=HOST))

    assert client.rest_client._session is None
    session = client.rest_client.connection
    assert isinstance(session, requests.Session)
    assert client.rest_client.connection is session


def test_concurrent_first_use_builds_one_session() -> None:
    rest_client = RESTClientObject(configuration=Configuration(server_api_url=HOST))
    barrier = threading.Barrier(8)
    seen: list[requests.Session] = []

    def grab() -> None:
        barrier.wait(timeout=10)
        seen.append(rest_client.connection)

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(seen) == 8
    assert len({id(session) for session in seen}) == 1


def test_tls_settings_are_applied_to_the_session() -> None:
    configuration = Configuration(
        server_api_url="https://conductor.test/api",
        ssl_ca_cert="/etc/ca.pem",
        cert_file="/etc/client.crt",
        key_file="/etc/client.key",
        assert_hostname="conductor.internal",
    )

    session = RESTClientObject(configuration=configuration).connection

    assert session.verify == "/etc/ca.pem"
    assert session.cert == ("/etc/client.crt", "/etc/client.key")
    adapter = session.get_adapter("https://conductor.test/api")
    assert adapter.poolmanager.connection_pool_kw["assert_hostname"] == "conductor.internal"


@pytest.mark.parametrize(
    ("settings", "env", "expected"),
    [
        ({}, {}, True),
        ({"verify_ssl": False}, {}, False),
        ({"verify_ssl": False, "ssl_ca_cert": "/ca.pem"}, {}, False),
        ({}, {"REQUESTS_CA_BUNDLE": "/env-ca.pem"}, "/env-ca.pem"),
        ({"ssl_ca_cert": "/ca.pem"}, {"REQUESTS_CA_BUNDLE": "/env-ca.pem"}, "/ca.pem"),
    ],
)
def test_verify_setting(monkeypatch, settings, env, expected) -> None:
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    session = rest.build_session(Configuration(server_api_url=HOST, **settings))

    assert session.verify == expected


def test_client_certificate_without_separate_key() -> None:
    session = rest.build_session(Configuration(server_api_url=HOST, cert_file="/both.pem"))

    assert session.cert == "/both.pem"


def test_configured_proxy_is_used_for_both_schemes() -> None:
    session = rest.build_session(Configuration(server_api_url=HOST, proxy="http://proxy:3128"))

    assert session.proxies == {"http": "http://proxy:3128", "https": "http://proxy:3128"}
    assert session.trust_env is False  # env settings are resolved once, at build time


def test_environment_proxy_and_no_proxy(monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://env-proxy:8080")

    proxied = rest.build_session(Configuration(server_api_url=HOST))
    monkeypatch.setenv("NO_PROXY", "conductor.test")
    bypassed = rest.build_session(Configuration(server_api_url=HOST))

    assert proxied.proxies["http"] == "http://env-proxy:8080"
    assert bypassed.proxies == {}


def test_pool_and_retry_come_from_the_configuration() -> None:
    configuration = Configuration(
        server_api_url=HOST, pool_maxsize=96, max_retries=5, retry_backoff_factor=0.25
    )

    adapter = rest.build_session(configuration).get_adapter(HOST)
    retry = adapter.max_retries

    assert adapter._pool_maxsize == 96
    assert (retry.total, retry.connect, retry.read, retry.status) == (5, 5, 1, 5)
    assert retry.backoff_factor == 0.25
    assert "POST" not in retry.allowed_methods
    assert {"GET", "PUT", "DELETE"} <= set(retry.allowed_methods)
    assert set(retry.status_forcelist) == {429, 500, 502, 503, 504}
    assert retry.raise_on_status is False


def test_settings_reach_every_request(rsps) -> None:
    configuration = Configuration(
        server_api_url=HOST,
        ssl_ca_cert="/ca.pem",
        cert_file="/c.crt",
        proxy="http://proxy:3128",
        connect_timeout=3,
        read_timeout=7.5,
    )
    rsps.get(HOST + "/tasks/poll/batch/a", json=[])

    TaskResourceApi(ApiClient(configuration)).batch_poll("a")

    sent = rsps.calls[0].request.req_kwargs
    assert sent["timeout"] == (3.0, 7.5)
    assert (sent["verify"], sent["cert"]) == ("/ca.pem", "/c.crt")
    assert sent["proxies"]["http"] == "http://proxy:3128"


def test_a_float_request_timeout_applies_to_connect_and_read(rsps) -> None:
    rsps.get(HOST + "/tasks/t", json={})

    TaskResourceApi(ApiClient(Configuration(server_api_url=HOST))).get_task("t", _request_timeout=4)

    assert rsps.calls[0].request.req_kwargs["timeout"] == 4.0


def test_a_given_session_is_used_as_it_is(rsps) -> None:
    session = requests.Session()
    session.headers["X-Team"] = "blue"
    session.cookies.set("lb", "node-2")
    configuration = Configuration(server_api_url=HOST)
    configuration.http_connection = session
    rsps.get(HOST + "/tasks/t", json={}, match=[matchers.header_matcher({"X-Team": "blue"})])

    TaskResourceApi(ApiClient(configuration)).get_task("t")

    assert ApiClient(configuration).rest_client.connection is session
    assert rsps.calls[0].request.headers["Cookie"] == "lb=node-2"


def test_close_releases_the_session_and_a_new_one_is_built_later() -> None:
    rest_client = RESTClientObject(configuration=Configuration(server_api_url=HOST))
    first = rest_client.connection

    rest_client.close()

    assert rest_client._session is None
    assert rest_client.connection is not first


def test_after_fork_the_child_builds_its_own_session() -> None:
    rest_client = RESTClientObject(configuration=Configuration(server_api_url=HOST))
    parent_session = rest_client.connection

    _fork.after_fork_in_child()  # what os.register_at_fork runs in a forked child

    assert rest_client._session is None
    assert rest_client.connection is not parent_session


def test_api_client_pickles_without_session_or_token(rsps) -> None:
    rsps.get(HOST + "/tasks/t", json={})
    client = ApiClient(Configuration(server_api_url=HOST))
    TaskResourceApi(client).get_task("t")
    client._auth._token = "tok-x"

    copy = pickle.loads(pickle.dumps(client))

    assert copy.rest_client._session is None
    assert copy._auth._token is None
    assert copy.configuration.host == HOST
    assert b"tok-x" not in pickle.dumps(client)


# -- request encoding -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content", "content_type"),
    [
        ({"a": [1, None]}, b'{"a":[1,null]}', "application/json"),
        ("raw text \u00e9", "raw text \u00e9".encode(), "text/plain; charset=utf-8"),
        (b"\x00bytes", b"\x00bytes", None),
    ],
)
def test_body_encoding(rsps, body, content, content_type) -> None:
    rsps.post(HOST + "/x")

    RESTClientObject(configuration=Configuration(server_api_url=HOST)).POST(HOST + "/x", body=body)

    request = rsps.calls[0].request
    assert request.body == content
    assert request.headers.get("Content-Type") == content_type
    assert request.headers["Content-Length"] == str(len(content))


def test_form_and_multipart_posts(rsps, tmp_path) -> None:
    upload = tmp_path / "report.txt"
    upload.write_text("hello")
    rsps.post(HOST + "/form")
    rsps.post(HOST + "/upload")
    client = ApiClient(Configuration(server_api_url=HOST))

    client.call_api("/form", "POST", post_params=[("a", "1")])
    client.call_api("/upload", "POST", files={"file": str(upload)})

    form, multipart = (call.request for call in rsps.calls)
    assert (form.body, form.headers["Content-Type"]) == ("a=1", "application/x-www-form-urlencoded")
    assert multipart.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'filename="report.txt"' in multipart.body
    assert b"hello" in multipart.body


@pytest.mark.parametrize("verb", ["GET", "HEAD", "OPTIONS", "DELETE", "POST", "PUT", "PATCH"])
def test_verb_helpers(rsps, verb) -> None:
    rsps.add(verb, HOST + "/v", status=204)
    rest_client = RESTClientObject(configuration=Configuration(server_api_url=HOST))

    response = getattr(rest_client, verb)(HOST + "/v", query_params=[("q", "1")])

    assert isinstance(response, RESTResponse)
    assert (rsps.calls[0].request.method, response.status) == (verb, 204)
    assert rsps.calls[0].request.url == HOST + "/v?q=1"


def test_call_api_builds_the_request(rsps) -> None:
    client = ApiClient(
        Configuration(server_api_url=HOST), header_name="X-Tenant", header_value="t1", cookie="c=1"
    )
    rsps.get(
        HOST + "/things/a%20b/x%2Fy",
        match=[
            matchers.query_string_matcher("flag=true&off=false&ids=1,2&tag=a&tag=b&p=x|y"),
            matchers.header_matcher({"X-Tenant": "t1", "Cookie": "c=1", "X-Extra": "e"}),
        ],
        json={"ok": True},
    )

    data, status, _ = client.call_api(
        "/things/{name}/{path}",
        "GET",
        path_params={"name": "a b", "path": "x/y"},
        query_params=[
            ("flag", True),
            ("off", False),
            ("none", None),
            ("ids", [1, 2]),
            ("tag", ["a", "b"]),
            ("p", ["x", "y"]),
        ],
        header_params={"X-Extra": "e"},
        response_type="object",
        collection_formats={"tag": "multi", "p": "pipes"},
    )

    assert (data, status) == ({"ok": True}, 200)
    assert rsps.calls[0].request.headers["User-Agent"].startswith("conductor-python/")


def test_call_api_async_returns_a_waitable_result(rsps) -> None:
    rsps.get(HOST + "/slow", status=500, json={"message": "boom"})
    client = ApiClient(Configuration(server_api_url=HOST, max_retries=0))

    pending = client.call_api("/slow", "GET", response_type="object", async_req=True)

    assert pending.wait(timeout=10)
    assert pending.ready()
    with pytest.raises(rest.ApiException, match="boom"):
        pending.get()


def test_raw_request_rejects_unknown_methods() -> None:
    with pytest.raises(ValueError, match="http method must be"):
        ApiClient().request("BREW", HOST)


def test_header_selection_helpers() -> None:
    client = ApiClient()

    assert client.select_header_accept([]) is None
    assert client.select_header_accept(["text/plain", "APPLICATION/JSON"]) == "application/json"
    assert client.select_header_accept(["text/plain"]) == "text/plain"
    assert client.select_header_content_type(None) == "application/json"
    assert client.select_header_content_type(["*/*"]) == "application/json"
    assert client.select_header_content_type(["text/plain"]) == "text/plain"


def test_update_params_for_auth_applies_header_mappings() -> None:
    headers: dict[str, str] = {}
    query: list[tuple[str, str]] = []

    ApiClient().update_params_for_auth(
        headers, query, {"header": {"X-Key": "k"}, "query": {"q": "1"}}
    )
    ApiClient().update_params_for_auth(headers, query, ["api_key"])

    assert (headers, query) == ({"X-Key": "k"}, [("q", "1")])


# -- responses ------------------------------------------------------------------------------


def test_response_text_uses_the_declared_charset_else_utf8(rsps) -> None:
    rsps.get(
        HOST + "/latin",
        body="caf\u00e9".encode("latin-1"),
        content_type="text/plain; charset=ISO-8859-1",
    )
    rsps.get(HOST + "/utf8", body="caf\u00e9".encode(), content_type="text/plain")
    rest_client = RESTClientObject(configuration=Configuration(server_api_url=HOST))

    latin = rest_client.GET(HOST + "/latin")
    utf8 = rest_client.GET(HOST + "/utf8")

    assert latin.text == utf8.text == "caf\u00e9"
    assert latin.getheader("Content-Type") == "text/plain; charset=ISO-8859-1"
    assert utf8.content_type == "text/plain"


def test_urls_in_errors_lose_their_credentials() -> None:
    assert (
        redact_url("https://user:pw@conductor.test/api/x?y=1") == "https://conductor.test/api/x?y=1"
    )
    assert redact_url("http://conductor.test/api") == "http://conductor.test/api"


def test_http_package_exports_the_client_and_apis() -> None:
    import conductor.client.http as http
    import conductor.client.http.api as api

    assert http.ApiClient is ApiClient
    assert http.TaskResourceApi is api.TaskResourceApi is TaskResourceApi
    assert {"MetadataResourceApi", "WorkflowResourceApi", "TokenResourceApi"} <= set(api.__all__)
    with pytest.raises(AttributeError):
        http.NoSuchThing  # noqa: B018


# -- the direct urllib3 path ----------------------------------------------------------------


def _count_adapter_sends(client: ApiClient) -> list[int]:
    """Count calls of the mounted adapter's send (an instance attribute: the class is intact)."""
    adapter = client.rest_client.connection.get_adapter("http://")
    calls = [0]
    original = adapter.send

    def counting(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    adapter.send = counting  # type: ignore[method-assign]
    return calls


def test_plain_http_to_a_real_server_skips_the_adapter(conductor_server) -> None:
    task_id = conductor_server.enqueue_task("fast_path", {"n": 1})
    client = ApiClient(Configuration(server_api_url=conductor_server.url))
    adapter = client.rest_client.connection.get_adapter("http://")
    api = TaskResourceApi(client)

    task = api.poll("fast_path", workerid="w1")
    assert task is not None
    assert task.task_id == task_id
    assert task.input_data == {"n": 1}
    result = task.to_task_result()
    result.output_data = {"ok": True}
    assert api.update_task_v2(body=result) is None
    with pytest.raises(rest.ApiException) as caught:
        api.get_task("no-such-task")

    assert caught.value.status == 404
    assert "GET" in str(caught.value)
    assert "/tasks/no-such-task" in str(caught.value)
    assert api.get_task(task_id).output_data == {"ok": True}
    assert len(adapter.poolmanager.pools) == 0  # the adapter's urllib3 pools were never used
    client.close()


def test_an_adapter_send_replaced_on_the_instance_is_honoured(conductor_server) -> None:
    client = ApiClient(Configuration(server_api_url=conductor_server.url))
    calls = _count_adapter_sends(client)

    assert TaskResourceApi(client).batch_poll("nothing", count=1, timeout=1) == []
    assert calls[0] == 1
    client.close()


def test_a_patched_session_request_is_honoured(conductor_server) -> None:
    client = ApiClient(Configuration(server_api_url=conductor_server.url))
    session = client.rest_client.connection
    seen: list[str] = []
    original = requests.Session.request

    def recording(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(f"{method} {url}")
        return original(self, method, url, *args, **kwargs)

    with mock.patch.object(requests.Session, "request", recording):
        assert TaskResourceApi(client).batch_poll("nothing", count=1, timeout=1) == []
    assert session is client.rest_client.connection
    assert len(seen) == 1
    assert seen[0].startswith("GET " + conductor_server.url + "/tasks/poll/batch/nothing")
    client.close()


def test_a_patched_adapter_send_is_honoured(rsps) -> None:
    rsps.get(HOST + "/tasks/t1", json={"taskId": "t1", "status": "IN_PROGRESS"})
    client = ApiClient(Configuration(server_api_url=HOST))
    calls = _count_adapter_sends(client)

    task = TaskResourceApi(client).get_task("t1")

    assert task.task_id == "t1"
    assert calls[0] == 1


def test_a_custom_adapter_is_used_for_plain_http(conductor_server) -> None:
    sent: list[str] = []

    class Recording(requests.adapters.HTTPAdapter):
        def send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            sent.append(request.url)
            return super().send(request, *args, **kwargs)

    client = ApiClient(Configuration(server_api_url=conductor_server.url))
    client.rest_client.connection.mount("http://", Recording())

    assert TaskResourceApi(client).batch_poll("nothing", count=1, timeout=1) == []
    assert len(sent) == 1
    assert "/tasks/poll/batch/nothing" in sent[0]
    client.close()
