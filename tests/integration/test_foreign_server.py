"""The worker runtime against a Conductor double written differently: stdlib ``http.server``.

The double (``stdlib_conductor``) frames its responses in each way HTTP allows: HTTP/1.0 with
close-delimited bodies or keep-alive, HTTP/1.1 keep-alive, chunked bodies (with extensions and
trailers, or dripped a few bytes per TCP segment), ``Connection: close`` after every response,
idle connections closed without a word, gzip, interim 103 responses. The tests assert on what
it received: every result exactly once, chained through update-v2 (or over v1 when update-v2
is missing), and connections used as each framing requires, with nothing logged as failed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from typing import Any, Callable

import pytest
from stdlib_conductor import (
    CHUNKED,
    GZIP_CHUNKED,
    HTTP10,
    HTTP11,
    SPEECHES,
    Speech,
    StdlibConductor,
    double_it,
    double_it_async,
    explode,
    measure,
    running,
)

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker import Worker

TASKS = 20
POLL_TIMEOUT_MS = 100  # short long polls: a stopped runner returns soon
WORKER_ID = "foreign-worker"
BATCH_POLL = "/api/tasks/poll/batch/"
UPDATE_V2 = "/api/tasks/update-v2"
UPDATE_V1 = "/api/tasks"


def speech_id(speech: Speech) -> str:
    return speech.name


@pytest.fixture
def task_type() -> str:
    return f"foreign_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def runtime_warnings(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Warnings and errors the runtime logged (a failed poll or update, an unreadable reply).

    Failures of the worker function itself, logged under ``conductor.client.worker``, are left
    out: a test may make the worker raise on purpose.
    """
    caplog.set_level(logging.WARNING, logger="conductor")

    def messages() -> list[str]:
        return [
            f"{record.name}: {record.getMessage()}"
            for record in caplog.records
            if record.levelno >= logging.WARNING
            and not record.name.startswith("conductor.client.worker")
        ]

    return messages


def run_tasks(double: StdlibConductor, worker: Worker, task_type: str, count: int) -> list[str]:
    """Enqueue ``count`` tasks, run a TaskRunner in a thread until all have a result, stop it."""
    ids = [double.enqueue(task_type, {"i": i}) for i in range(count)]
    runner = TaskRunner(worker, Configuration(server_api_url=double.url))
    with running(runner):
        double.wait_for(double.all_delivered(ids), timeout_s=60)
    return ids


def make_worker(task_type: str, function: Callable[..., Any], thread_count: int) -> Worker:
    return Worker(
        task_type,
        function,
        worker_id=WORKER_ID,
        thread_count=thread_count,
        poll_timeout=POLL_TIMEOUT_MS,
    )


def assert_completed_once(double: StdlibConductor, ids: list[str], pid: int) -> None:
    """Every task got exactly one result: COMPLETED with the worker's output."""
    for i, task_id in enumerate(ids):
        state = double.state(task_id)
        assert len(state.handed_out) == 1, (task_id, state.handed_out)
        assert len(state.results) == 1, (task_id, state.results)
        result = state.results[0]
        assert result["taskId"] == task_id
        assert result["workflowInstanceId"] == state.task["workflowInstanceId"]
        assert result["status"] == "COMPLETED"
        assert result["outputData"] == {"doubled": 2 * i, "pid": pid}
        assert state.task["status"] == "COMPLETED"


def assert_chained(double: StdlibConductor, ids: list[str], thread_count: int) -> None:
    """The first poll filled every slot; every other task came in an update-v2 reply."""
    ways = Counter(double.state(task_id).handed_out[0] for task_id in ids)
    assert ways == {"poll": thread_count, "update-v2": len(ids) - thread_count}
    polls = [r for r in double.requests if r.path.startswith(BATCH_POLL)]
    assert len(polls[0].handed_out) == thread_count
    handed_by_v2 = {
        task_id for r in double.requests if r.path == UPDATE_V2 for task_id in r.handed_out
    }
    assert len(handed_by_v2) == len(ids) - thread_count  # and each of those has its result


def assert_transport(double: StdlibConductor, speech: Speech, thread_count: int) -> None:
    """Requests were well formed, and connections were used as the framing requires."""
    requests = double.requests
    assert double.server_errors == []
    assert [r for r in requests if r.status not in (200, 204)] == []
    for request in requests:
        assert request.version == "HTTP/1.1"
        assert request.header("Host") == double.address
        assert "gzip" in (request.header("Accept-Encoding") or "")
        assert (request.header("User-Agent") or "").startswith("conductor-python/")
        if request.method == "POST":
            assert request.header("Content-Type") == "application/json"
            assert int(request.header("Content-Length") or -1) == len(request.body)
    first_poll = next(r for r in requests if r.path.startswith(BATCH_POLL))
    assert first_poll.query == {
        "workerid": [WORKER_ID],
        "count": [str(thread_count)],
        "timeout": [str(POLL_TIMEOUT_MS)],
    }
    per_connection = Counter(r.connection for r in requests)
    if speech.closes_connections:
        assert set(per_connection.values()) == {1}  # never reused a connection the server ended
    elif speech.reuses_connections:
        assert len(per_connection) < len(requests)  # kept-alive connections were reused
    if speech.gzip:  # every body was compressed, and the client read it
        with_body = [r for r in requests if r.status == 200]
        assert with_body
        assert all(r.content_encoding == "gzip" for r in with_body)


# --- TaskRunner in a thread ----------------------------------------------------------------------


@pytest.mark.parametrize("speech", SPEECHES, ids=speech_id)
def test_sync_worker_completes_every_task_once(
    speech: Speech, task_type: str, runtime_warnings: Callable[[], list[str]]
) -> None:
    worker = make_worker(task_type, double_it, thread_count=4)
    with StdlibConductor(speech) as double:
        ids = run_tasks(double, worker, task_type, TASKS)
    assert_completed_once(double, ids, os.getpid())
    assert_chained(double, ids, thread_count=4)
    assert_transport(double, speech, thread_count=4)
    assert runtime_warnings() == []


@pytest.mark.parametrize("speech", SPEECHES, ids=speech_id)
def test_async_worker_completes_every_task_once(
    speech: Speech, task_type: str, runtime_warnings: Callable[[], list[str]]
) -> None:
    worker = make_worker(task_type, double_it_async, thread_count=8)
    with StdlibConductor(speech) as double:
        ids = run_tasks(double, worker, task_type, TASKS)
    assert_completed_once(double, ids, os.getpid())
    assert_chained(double, ids, thread_count=8)
    assert_transport(double, speech, thread_count=8)
    assert runtime_warnings() == []


@pytest.mark.parametrize("speech", [HTTP10, HTTP11, GZIP_CHUNKED], ids=speech_id)
@pytest.mark.parametrize(
    ("function", "thread_count"), [(double_it, 4), (double_it_async, 8)], ids=["sync", "async"]
)
def test_server_without_update_v2_gets_every_result_once_over_v1(
    speech: Speech,
    function: Callable[..., Any],
    thread_count: int,
    task_type: str,
    runtime_warnings: Callable[[], list[str]],
) -> None:
    worker = make_worker(task_type, function, thread_count)
    with StdlibConductor(speech, update_v2=False) as double:
        ids = run_tasks(double, worker, task_type, TASKS)
    assert_completed_once(double, ids, os.getpid())
    requests = double.requests
    v2 = [r for r in requests if r.path == UPDATE_V2]
    v1 = [r for r in requests if r.path == UPDATE_V1]
    # Only results posted before the first 404 came back tried update-v2: those of the tasks
    # of the first poll. Every later result went straight to POST /api/tasks.
    first_batch = next(r.handed_out for r in requests if r.path.startswith(BATCH_POLL))
    assert 1 <= len(v2) <= thread_count
    assert {r.json()["taskId"] for r in v2} <= set(first_batch)
    assert all(r.status == 404 for r in v2)
    assert sorted(r.json()["taskId"] for r in v1) == sorted(ids)
    assert all(r.status == 200 and r.header("Accept") == "text/plain" for r in v1)
    assert all(double.state(task_id).handed_out == ["poll"] for task_id in ids)
    assert double.server_errors == []
    assert runtime_warnings() == []  # the plain-text replies of POST /api/tasks were read


@pytest.mark.parametrize("speech", SPEECHES, ids=speech_id)
def test_failing_worker_reports_failed_with_reason_and_log(
    speech: Speech, task_type: str, runtime_warnings: Callable[[], list[str]]
) -> None:
    worker = make_worker(task_type, explode, thread_count=2)
    started_ms = int(time.time() * 1000)
    with StdlibConductor(speech) as double:
        ids = run_tasks(double, worker, task_type, 4)
    for i, task_id in enumerate(ids):
        results = double.state(task_id).results
        assert len(results) == 1
        result = results[0]
        assert result["status"] == "FAILED"
        assert result["reasonForIncompletion"] == f"boom {i}"
        [log] = result["logs"]
        assert log["taskId"] == task_id
        assert "Traceback" in log["log"]
        assert f"RuntimeError: boom {i}" in log["log"]
        assert started_ms <= log["createdTime"] <= int(time.time() * 1000)
    assert double.server_errors == []
    assert runtime_warnings() == []


def test_connections_the_server_closed_while_idle_are_not_reused(
    task_type: str, runtime_warnings: Callable[[], list[str]]
) -> None:
    worker = make_worker(task_type, double_it, thread_count=4)
    speech = Speech("http11-idle-timeout-500ms", idle_timeout_s=0.5)
    with StdlibConductor(speech) as double:
        first = [double.enqueue(task_type, {"i": i}) for i in range(8)]
        runner = TaskRunner(worker, Configuration(server_api_url=double.url))
        with running(runner):
            double.wait_for(double.all_delivered(first), timeout_s=60)
            # The slots' connections wait in the client's pool until the server closes them;
            # only the poller's stays open, as it goes straight back into a long poll.
            double.wait_for(lambda: double.open_connections <= 1, timeout_s=30)
            second = [double.enqueue(task_type, {"i": i}) for i in range(8, 16)]
            double.wait_for(double.all_delivered(second), timeout_s=60)
    assert_completed_once(double, first + second, os.getpid())
    assert double.server_errors == []
    # No poll or update failed: the client noticed the closed connections before using them.
    assert runtime_warnings() == []
    second_updates = [
        r for r in double.requests if r.path == UPDATE_V2 and r.json()["taskId"] in second
    ]
    assert len(second_updates) == len(second)


@pytest.mark.parametrize("speech", SPEECHES, ids=speech_id)
def test_large_inputs_arrive_intact(
    speech: Speech, task_type: str, runtime_warnings: Callable[[], list[str]]
) -> None:
    """Task JSON larger than a socket read (64 KiB), hardly compressible, in each framing."""
    blobs = [
        "".join(hashlib.sha256(b"%d-%d" % (i, k)).hexdigest() for k in range(1500 + i))
        for i in range(3)
    ]
    worker = make_worker(task_type, measure, thread_count=2)
    with StdlibConductor(speech) as double:
        ids = [double.enqueue(task_type, {"blob": blob}) for blob in blobs]
        runner = TaskRunner(worker, Configuration(server_api_url=double.url))
        with running(runner):
            double.wait_for(double.all_delivered(ids), timeout_s=60)
    for task_id, blob in zip(ids, blobs):
        [result] = double.state(task_id).results
        assert result["status"] == "COMPLETED"
        assert result["outputData"] == {
            "length": len(blob),
            "sha256": hashlib.sha256(blob.encode()).hexdigest(),
        }
    assert double.server_errors == []
    assert runtime_warnings() == []


# --- TaskHandler with a worker process -----------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("speech", [HTTP10, HTTP11], ids=speech_id)
def test_task_handler_process_completes_every_task_once(
    speech: Speech, task_type: str, runtime_warnings: Callable[[], list[str]]
) -> None:
    worker = make_worker(task_type, double_it, thread_count=2)
    with StdlibConductor(speech) as double:
        ids = [double.enqueue(task_type, {"i": i}) for i in range(10)]
        handler = TaskHandler(
            workers=[worker],
            configuration=Configuration(server_api_url=double.url),
            scan_for_annotated_workers=False,
            start_method="spawn",  # the child imports the worker function by name
        )
        try:
            handler.start_processes()
            child_pid = handler.task_runner_processes[0].pid
            double.wait_for(double.all_delivered(ids), timeout_s=60)
        finally:
            handler.stop_processes()
    assert child_pid is not None
    assert child_pid != os.getpid()
    assert not handler.task_runner_processes[0].is_alive()
    assert_completed_once(double, ids, child_pid)
    assert_transport(double, speech, thread_count=2)
    assert runtime_warnings() == []


def test_unknown_routes_and_token_answer_404_json() -> None:
    """The double itself: what it does not implement is a 404 with an error body."""
    with StdlibConductor(CHUNKED) as double:
        for path, body in [("/token", b"{}"), ("/metadata/taskdefs", None)]:
            request = urllib.request.Request(double.url + path, data=body)
            with pytest.raises(urllib.error.HTTPError) as raised:
                urllib.request.urlopen(request, timeout=10)
            with raised.value:
                assert raised.value.code == 404
                assert json.loads(raised.value.read())["status"] == 404
    assert [r.path for r in double.requests] == ["/api/token", "/api/metadata/taskdefs"]
