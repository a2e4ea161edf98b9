"""API calls awaited on an event loop (``invoke_async``): the same requests and results as the
plain calls, the token handled through the blocking path, errors, and every fallback to it.

``run_blocking`` is played by :class:`Blocking`, which records what it is asked to run: a
connection being opened (it returns a socket) or a whole call handed over to a thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any, Callable, TypeVar
from unittest import mock

import pytest
import requests
from requests.adapters import HTTPAdapter
from wire_server import Reply, ScriptedServer, response

from conductor.client import __version__
from conductor.client.configuration.configuration import Configuration
from conductor.client.configuration.settings.authentication_settings import (
    AuthenticationSettings,
)
from conductor.client.http.api._operation import invoke_async
from conductor.client.http.api.task_resource_api import UPDATE_TASK_V2, TaskResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import Task, TaskDef, TaskResult, WorkflowTask
from conductor.client.http.rest import ApiException, RESTClientObject
from conductor.client.testing.server import InMemoryConductorServer
from loop_support import Blocking, run

T = TypeVar("T")

WORKER_ID = "async-worker"
KEY_ID, KEY_SECRET = "key-id", "key-secret"

NEXT_TASK_JSON: dict[str, Any] = {
    "taskId": "next-1",
    "taskType": "async_type",
    "status": "IN_PROGRESS",
    "workflowInstanceId": "wf-1",
    "referenceTaskName": "async_ref",
    "inputData": {"n": 1, "text": "é"},
    "pollCount": 1,
    "workerId": WORKER_ID,
    "workflowTask": {
        "name": "async_type",
        "taskReferenceName": "async_ref",
        "type": "SIMPLE",
        "taskDefinition": {"name": "async_type", "retryCount": 2},
    },
    "taskDefinition": {"name": "async_type", "retryCount": 2, "timeoutSeconds": 60},
}


# -- helpers ---------------------------------------------------------------------------------


class Refusing:
    """A ``run_blocking`` that records the callable and raises :class:`Sentinel` instead."""

    def __init__(self) -> None:
        self.functions: list[Callable[[], Any]] = []

    def __call__(self, function: Callable[[], Any]) -> asyncio.Future[Any]:
        self.functions.append(function)
        raise Sentinel


class Sentinel(Exception):
    """Raised by :class:`Refusing`."""


def update_v2(
    client: ApiClient,
    result: TaskResult,
    run_blocking: Callable[[Callable[[], Any]], Any],
    **kwargs: Any,
) -> Task | None:
    """``update_task_v2`` of ``result`` awaited on a fresh loop."""
    return run(invoke_async(client, UPDATE_TASK_V2, (result,), kwargs, run_blocking))


def warm(client: ApiClient) -> None:
    """Build the client's session and pools, as an earlier request (a poll) would."""
    assert client.rest_client.connection is not None


def result_for(task_id: str = "task-1", workflow_id: str = "wf-1") -> TaskResult:
    result = TaskResult(
        workflow_instance_id=workflow_id, task_id=task_id, status="COMPLETED", worker_id=WORKER_ID
    )
    return result.add_output_data("answer", 42)


def task_reply(body: dict[str, Any] | None = None) -> bytes:
    payload = json.dumps(NEXT_TASK_JSON if body is None else body).encode()
    return response(200, payload, {"Content-Type": "application/json"})


NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


def json_reply(status: int, body: dict[str, Any], reason: str = "OK") -> bytes:
    payload = json.dumps(body).encode()
    return response(status, payload, {"Content-Type": "application/json"}, reason=reason)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer().start()
    try:
        yield scripted
    finally:
        scripted.stop()
    assert scripted.unscripted == 0, "the client sent more requests than the test scripted"


@pytest.fixture
def blocking() -> Iterator[Blocking]:
    runner = Blocking()
    yield runner
    runner.close()


@pytest.fixture
def make_client() -> Iterator[Callable[..., ApiClient]]:
    """Builds API clients (no retries unless told), closed on teardown."""
    clients: list[ApiClient] = []

    def make(url: str, **settings: Any) -> ApiClient:
        settings.setdefault("max_retries", 0)
        client = ApiClient(Configuration(server_api_url=url, **settings))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def auth_server() -> Iterator[InMemoryConductorServer]:
    server = InMemoryConductorServer(auth_key_id=KEY_ID, auth_key_secret=KEY_SECRET)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def polled_tasks(server: InMemoryConductorServer, count: int, **settings: Any) -> list[Task]:
    """Enqueue ``count`` tasks of a fresh type and poll them with a separate plain client."""
    task_type = f"async_{uuid.uuid4().hex[:12]}"
    for i in range(count):
        server.enqueue_task(task_type, {"i": i})
    with ApiClient(Configuration(server_api_url=server.url, **settings)) as client:
        api = TaskResourceApi(client)
        tasks = [api.poll(task_type, workerid=WORKER_ID) for _ in range(count)]
    assert all(task is not None for task in tasks)
    return [task for task in tasks if task is not None]


def completed(task: Task) -> TaskResult:
    assert task.task_id is not None
    assert task.workflow_instance_id is not None
    return result_for(task.task_id, task.workflow_instance_id)


def auth_settings() -> AuthenticationSettings:
    return AuthenticationSettings(key_id=KEY_ID, key_secret=KEY_SECRET)


# -- the same request and result as the plain call ------------------------------------------


@pytest.mark.parametrize("token", [None, "user-set-token"])
def test_next_task_and_request_are_those_of_the_sync_call(
    server: ScriptedServer,
    blocking: Blocking,
    make_client: Callable[..., ApiClient],
    token: str | None,
) -> None:
    server.add(task_reply(), task_reply())
    client = make_client(server.url)
    client.configuration.update_token(token)
    result = result_for()

    plain = TaskResourceApi(client).update_task_v2(result)
    awaited = update_v2(client, result, blocking)

    assert type(awaited) is Task
    assert awaited == plain
    assert awaited is not None
    assert plain is not None
    assert awaited.to_dict() == plain.to_dict()
    assert (awaited.task_id, awaited.status, awaited.input_data) == (
        "next-1",
        "IN_PROGRESS",
        {"n": 1, "text": "é"},
    )
    assert awaited.workflow_task == WorkflowTask(
        name="async_type",
        task_reference_name="async_ref",
        type="SIMPLE",
        task_definition=TaskDef(name="async_type", retry_count=2),
    )
    # The kept-alive connection of the plain call carried the awaited one: no thread at all.
    assert blocking.kinds == []
    assert server.accepts == 1
    sync_request, async_request = server.requests
    assert async_request.raw == sync_request.raw
    assert (async_request.method, async_request.target) == ("POST", "/api/tasks/update-v2")
    assert async_request.header("User-Agent") == f"conductor-python/{__version__}"
    assert async_request.header("Content-Type") == "application/json"
    assert async_request.header("Accept") == "application/json"
    assert async_request.header("X-Authorization") == token
    assert async_request.header("Content-Length") == str(len(async_request.body))
    assert json.loads(async_request.body) == {
        "workflowInstanceId": "wf-1",
        "taskId": "task-1",
        "status": "COMPLETED",
        "workerId": WORKER_ID,
        "outputData": {"answer": 42},
        "extendLease": False,
    }
    assert json.loads(async_request.body) == client.sanitize_for_serialization(result)


def test_no_content_is_none_like_the_sync_call(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(NO_CONTENT, NO_CONTENT)
    client = make_client(server.url)

    plain = TaskResourceApi(client).update_task_v2(result_for())
    awaited = update_v2(client, result_for(), blocking)

    assert (plain, awaited) == (None, None)
    assert blocking.kinds == []
    assert server.requests[1].raw == server.requests[0].raw


def test_first_connection_is_opened_through_run_blocking(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(task_reply(), NO_CONTENT)
    client = make_client(server.url)
    warm(client)

    first = update_v2(client, result_for(), blocking)
    second = update_v2(client, result_for("task-2"), blocking)

    assert first is not None
    assert first.task_id == "next-1"
    assert second is None
    assert blocking.kinds == ["connect"]  # the second call reused the connection
    assert blocking.threads == {"test-blocking_0"}
    assert server.accepts == 1
    assert [json.loads(r.body)["taskId"] for r in server.requests] == ["task-1", "task-2"]


def test_results_on_the_local_server_complete_tasks_and_chain(
    conductor_server: InMemoryConductorServer,
    blocking: Blocking,
    make_client: Callable[..., ApiClient],
) -> None:
    tasks = polled_tasks(conductor_server, 2)
    ids = {task.task_id for task in tasks}
    task_type = tasks[0].task_type
    assert task_type is not None
    conductor_server.enqueue_task(task_type, {"i": 2})  # the one update-v2 hands out
    client = make_client(conductor_server.url)
    warm(client)
    conductor_server.reset_request_counts()

    handed_out = [update_v2(client, completed(task), blocking) for task in tasks]

    assert handed_out[0] is not None
    assert handed_out[1] is None
    assert handed_out[0].task_id not in ids
    assert (handed_out[0].status, handed_out[0].input_data) == ("IN_PROGRESS", {"i": 2})
    assert handed_out[0].worker_id == WORKER_ID
    for task_id in ids:
        record = conductor_server.get_task(str(task_id))
        assert (record["status"], record["outputData"]) == ("COMPLETED", {"answer": 42})
    assert conductor_server.request_counts == {"update_task_v2": 2}
    assert blocking.calls == 0


# -- the auth token ---------------------------------------------------------------------------


def test_token_is_fetched_through_run_blocking_then_sent_natively(
    auth_server: InMemoryConductorServer,
    blocking: Blocking,
    make_client: Callable[..., ApiClient],
) -> None:
    tasks = polled_tasks(auth_server, 3, authentication_settings=auth_settings())
    client = make_client(auth_server.url, authentication_settings=auth_settings())
    auth_server.reset_request_counts()

    update_v2(client, completed(tasks[0]), blocking)
    after_first = (blocking.calls, auth_server.request_counts.get("token"))
    update_v2(client, completed(tasks[1]), blocking)
    after_second = (blocking.calls, auth_server.request_counts.get("token"))
    auth_server.expire_tokens()
    update_v2(client, completed(tasks[2]), blocking)
    after_refresh = (blocking.calls, auth_server.request_counts.get("token"))

    assert after_first == (1, 1)  # the fetch and the call went to a thread together
    assert after_second == (1, 1)  # awaited on the loop, with the token it has
    assert after_refresh == (2, 2)  # EXPIRED_TOKEN: refreshed and resent the blocking way
    for task in tasks:
        assert auth_server.get_task(str(task.task_id))["status"] == "COMPLETED"


def test_rejected_token_is_refreshed_and_the_call_resent(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    invalid = {"error": "INVALID_TOKEN", "message": "Invalid token"}
    server.add(
        json_reply(200, {"token": "token-1"}),
        NO_CONTENT,
        json_reply(401, invalid, "Unauthorized"),  # the awaited call
        json_reply(200, {"token": "token-2"}),
        task_reply(),
    )
    client = make_client(server.url, authentication_settings=auth_settings())

    first = update_v2(client, result_for(), blocking)
    second = update_v2(client, result_for("task-2"), blocking)

    assert first is None
    assert second is not None
    assert second.task_id == "next-1"
    assert [(r.target, r.header("X-Authorization")) for r in server.requests] == [
        ("/api/token", None),
        ("/api/tasks/update-v2", "token-1"),
        ("/api/tasks/update-v2", "token-1"),
        ("/api/token", None),  # refreshed at once: the refused call is not sent again as it was
        ("/api/tasks/update-v2", "token-2"),
    ]
    assert json.loads(server.requests[3].body) == {"keyId": KEY_ID, "keySecret": KEY_SECRET}
    assert blocking.calls == 2


# -- errors ----------------------------------------------------------------------------------


def test_server_error_raises_api_exception_with_its_message(
    conductor_server: InMemoryConductorServer,
    blocking: Blocking,
    make_client: Callable[..., ApiClient],
) -> None:
    (task,) = polled_tasks(conductor_server, 1)
    client = make_client(conductor_server.url)
    warm(client)
    conductor_server.fail_next("update_task_v2", 1, status=500)

    with pytest.raises(ApiException) as caught:
        update_v2(client, completed(task), blocking)

    assert type(caught.value) is ApiException
    assert caught.value.status == 500
    assert "Injected failure" in str(caught.value)
    assert "Injected failure" in str(caught.value.body)
    assert blocking.calls == 0  # a POST is not retried or resent the blocking way
    assert conductor_server.request_counts["update_task_v2"] == 1
    assert conductor_server.get_task(str(task.task_id))["status"] == "IN_PROGRESS"


def test_nothing_listening_raises_status_0_could_not_connect(
    closed_port: int, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port}/api")
    warm(client)

    with pytest.raises(ApiException) as caught:
        update_v2(client, result_for(), blocking)

    assert caught.value.status == 0
    assert f"could not connect to http://127.0.0.1:{closed_port}" in str(caught.value.reason)
    assert "POST /api/tasks/update-v2" in str(caught.value.reason)
    assert blocking.kinds == ["error"]  # the connect, refused; no blocking resend


def test_read_timeout_raises_status_0_no_response_within(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(Reply(hold=True), NO_CONTENT)
    client = make_client(server.url)
    warm(client)

    with pytest.raises(ApiException) as caught:
        update_v2(client, result_for(), blocking, _request_timeout=(5.0, 0.3))
    after_timeout = (list(blocking.kinds), server.request_count())
    again = update_v2(client, result_for(), blocking)

    assert caught.value.status == 0
    assert f"no response from {server.origin} within 0.3 s" in str(caught.value.reason)
    assert after_timeout == (["connect"], 1)  # a POST that may have arrived is not resent
    assert again is None
    # The timed-out connection was not reused: its response might still arrive on it.
    assert blocking.kinds == ["connect", "connect"]
    assert server.accepts == 2


def test_dropped_connection_raises_status_0(
    conductor_server: InMemoryConductorServer,
    blocking: Blocking,
    make_client: Callable[..., ApiClient],
) -> None:
    (task,) = polled_tasks(conductor_server, 1)
    client = make_client(conductor_server.url)
    warm(client)
    conductor_server.fail_next("update_task_v2", 1, drop=True)

    with pytest.raises(ApiException) as caught:
        update_v2(client, completed(task), blocking)

    assert caught.value.status == 0
    assert "broke before a complete response" in str(caught.value.reason)
    assert blocking.calls == 0


def test_error_then_success_on_the_same_client(
    conductor_server: InMemoryConductorServer,
    blocking: Blocking,
    make_client: Callable[..., ApiClient],
) -> None:
    (task,) = polled_tasks(conductor_server, 1)
    client = make_client(conductor_server.url)
    warm(client)
    conductor_server.fail_next("update_task_v2", 1, status=503)

    with pytest.raises(ApiException, match="Injected failure"):
        update_v2(client, completed(task), blocking)
    again = update_v2(client, completed(task), blocking)

    assert again is None
    assert conductor_server.get_task(str(task.task_id))["status"] == "COMPLETED"
    assert blocking.kinds == ["connect"]  # the connection survived the error answer


class Gated(Blocking):
    """A :class:`Blocking` whose threads wait for :meth:`open` before running anything."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.finished = threading.Event()
        self._gate = threading.Event()

    def __call__(self, function: Callable[[], T]) -> asyncio.Future[T]:
        def gated() -> T:
            self.entered.set()
            assert self._gate.wait(10), "the gate was never opened"
            try:
                return function()
            finally:
                self.finished.set()

        return super().__call__(gated)

    def open(self) -> None:
        self._gate.set()


async def until(event: threading.Event, what: str, timeout_s: float = 10.0) -> None:
    """Wait on the loop (without blocking it) until a thread sets ``event``."""
    deadline = time.monotonic() + timeout_s
    while not event.is_set():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


def test_cancelled_while_connecting_leaks_no_socket(
    server: ScriptedServer, make_client: Callable[..., ApiClient]
) -> None:
    client = make_client(server.url)
    warm(client)
    gated = Gated()

    async def cancel_while_connecting() -> bool:
        call = asyncio.ensure_future(
            invoke_async(client, UPDATE_TASK_V2, (result_for(),), {}, gated)
        )
        await until(gated.entered, "the connect to start")
        call.cancel()
        await asyncio.wait((call,))
        gated.open()
        await until(gated.finished, "the connect to end")
        gated.close()  # joins the thread: the connect's outcome is on its way to the loop
        deadline = time.monotonic() + 10
        while not server.client_closed:  # the loop closes the socket it no longer wants
            assert time.monotonic() < deadline, "the new connection was never closed"
            await asyncio.sleep(0.005)
        return call.cancelled()

    try:
        assert run(cancel_while_connecting())  # also: no unclosed socket left behind
    finally:
        gated.close()
    server.wait_for(lambda: server.accepts == 1, "the connection to arrive")
    assert server.request_count() == 0


def test_cancelled_while_waiting_for_the_response_closes_the_connection(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(Reply(hold=True), NO_CONTENT)
    client = make_client(server.url)
    warm(client)

    async def cancel_while_waiting() -> bool:
        call = asyncio.ensure_future(
            invoke_async(client, UPDATE_TASK_V2, (result_for(),), {}, blocking)
        )
        arrived = threading.Event()
        waiter = threading.Thread(
            target=lambda: (server.wait_for(lambda: len(server.requests) == 1, "it"), arrived.set())
        )
        waiter.start()
        await until(arrived, "the request to arrive")
        waiter.join()
        call.cancel()
        await asyncio.wait((call,))
        return call.cancelled()

    assert run(cancel_while_waiting())
    again = update_v2(client, result_for(), blocking)

    assert again is None
    assert blocking.kinds == ["connect", "connect"]  # the cancelled one was not reused
    assert server.accepts == 2


# -- fallbacks to the blocking path -----------------------------------------------------------


def test_call_api_replaced_on_the_class_is_called_in_a_thread(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(task_reply())
    client = make_client(server.url)
    warm(client)

    with mock.patch.object(
        ApiClient, "call_api", autospec=True, side_effect=ApiClient.call_api
    ) as double:
        task = update_v2(client, result_for(), blocking)

    assert task is not None
    assert task.task_id == "next-1"
    assert double.call_count == 1
    assert double.call_args.args[1:3] == ("/tasks/update-v2", "POST")
    assert blocking.calls == 1


def test_call_api_replaced_on_the_instance_is_called_in_a_thread(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(task_reply())
    client = make_client(server.url)
    warm(client)

    with mock.patch.object(client, "call_api", wraps=client.call_api) as double:
        task = update_v2(client, result_for(), blocking)

    assert task is not None
    assert task.task_id == "next-1"
    assert double.call_count == 1
    assert double.call_args.args[:2] == ("/tasks/update-v2", "POST")
    assert double.call_args.kwargs["response_type"] == "Task"
    assert blocking.calls == 1


def test_call_api_double_returning_a_value_is_the_result(
    blocking: Blocking, make_client: Callable[..., ApiClient], closed_port: int
) -> None:
    client = make_client(f"http://127.0.0.1:{closed_port}/api")
    canned = Task(task_id="from-double")

    with mock.patch.object(client, "call_api", return_value=canned) as double:
        task = update_v2(client, result_for(), blocking)

    assert task is canned
    assert double.call_args.kwargs["body"] == result_for()
    assert blocking.calls == 1


def test_rest_request_replaced_on_the_class_is_called_in_a_thread(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(task_reply())
    client = make_client(server.url)
    warm(client)

    with mock.patch.object(
        RESTClientObject, "request", autospec=True, side_effect=RESTClientObject.request
    ) as double:
        task = update_v2(client, result_for(), blocking)

    assert task is not None
    assert task.task_id == "next-1"
    assert double.call_count == 1
    assert double.call_args.args[1:3] == ("POST", f"{server.url}/tasks/update-v2")
    assert blocking.calls == 1


def test_rest_request_replaced_on_the_instance_is_called_in_a_thread(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(task_reply())
    client = make_client(server.url)
    warm(client)

    with mock.patch.object(
        client.rest_client, "request", wraps=client.rest_client.request
    ) as double:
        task = update_v2(client, result_for(), blocking)

    assert task is not None
    assert task.task_id == "next-1"
    assert double.call_count == 1
    assert double.call_args.args[:2] == ("POST", f"{server.url}/tasks/update-v2")
    assert blocking.calls == 1


def test_session_request_replaced_is_called_in_a_thread(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(task_reply())
    client = make_client(server.url)
    warm(client)

    with mock.patch.object(
        requests.Session, "request", autospec=True, side_effect=requests.Session.request
    ) as double:
        task = update_v2(client, result_for(), blocking)

    assert task is not None
    assert task.task_id == "next-1"
    assert double.call_count == 1
    assert double.call_args.args[1:3] == ("POST", f"{server.url}/tasks/update-v2")
    assert blocking.calls == 1
    assert server.requests[0].header("User-Agent") == f"conductor-python/{__version__}"


def test_adapter_send_replaced_is_called_in_a_thread(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(NO_CONTENT)
    client = make_client(server.url)
    warm(client)

    with mock.patch.object(
        HTTPAdapter, "send", autospec=True, side_effect=HTTPAdapter.send
    ) as double:
        task = update_v2(client, result_for(), blocking)

    assert task is None
    assert double.call_count == 1
    assert double.call_args.args[1].url == f"{server.url}/tasks/update-v2"
    assert blocking.calls == 1


def test_session_given_by_the_caller_is_used_in_a_thread(
    server: ScriptedServer, blocking: Blocking
) -> None:
    server.add(task_reply())
    configuration = Configuration(server_api_url=server.url, max_retries=0)
    session = requests.Session()
    seen: list[str] = []
    session.hooks["response"].append(lambda resp, *args, **kwargs: seen.append(resp.url))
    configuration.http_connection = session
    try:
        task = update_v2(ApiClient(configuration), result_for(), blocking)
    finally:
        session.close()

    assert task is not None
    assert task.task_id == "next-1"
    assert seen == [f"{server.url}/tasks/update-v2"]
    assert blocking.calls == 1


def test_https_host_goes_to_a_thread(
    closed_port: int, make_client: Callable[..., ApiClient]
) -> None:
    client = make_client(f"https://127.0.0.1:{closed_port}/api")
    warm(client)
    refusing = Refusing()

    with pytest.raises(Sentinel):
        update_v2(client, result_for(), refusing)

    assert len(refusing.functions) == 1
    # What was handed over is the whole call (over TLS), not a connection being opened.
    with pytest.raises(ApiException) as caught:
        refusing.functions[0]()
    assert caught.value.status == 0
    assert f"could not connect to https://127.0.0.1:{closed_port}" in str(caught.value.reason)


def test_proxy_goes_to_a_thread_through_the_proxy(
    server: ScriptedServer, blocking: Blocking, make_client: Callable[..., ApiClient]
) -> None:
    server.add(task_reply())
    client = make_client("http://conductor.invalid/api", proxy=server.origin)
    warm(client)

    task = update_v2(client, result_for(), blocking)

    assert task is not None
    assert task.task_id == "next-1"
    assert blocking.calls == 1
    (request,) = server.requests
    assert (request.method, request.target) == (
        "POST",
        "http://conductor.invalid/api/tasks/update-v2",
    )
    assert json.loads(request.body)["taskId"] == "task-1"


def test_proxy_from_the_environment_goes_to_a_thread(
    server: ScriptedServer,
    blocking: Blocking,
    make_client: Callable[..., ApiClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", server.origin)
    server.add(NO_CONTENT)
    client = make_client("http://conductor.invalid/api")
    warm(client)

    task = update_v2(client, result_for(), blocking)

    assert task is None
    assert blocking.calls == 1
    assert server.requests[0].target == "http://conductor.invalid/api/tasks/update-v2"
