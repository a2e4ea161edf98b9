"""A Conductor task API double on ``http.server``, and workers importable by child processes.

The double implements what a worker needs (batch poll, update-v2, the v1 update) on
``ThreadingHTTPServer``, independently of the SDK's own asyncio server, and can speak HTTP in
several ways (:class:`Speech`): HTTP/1.0 with close-delimited bodies, HTTP/1.1 keep-alive,
chunked responses, ``Connection: close`` after every response, gzip-compressed bodies. Every
request is recorded with the connection it came on.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import itertools
import json
import os
import socket
import socketserver
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from conductor.client.automator.task_runner import TaskRunner

MAX_LONG_POLL_MS = 5000
_TERMINAL = frozenset({"COMPLETED", "FAILED", "FAILED_WITH_TERMINAL_ERROR", "CANCELED"})
_RESULT_STATUSES = _TERMINAL | {"IN_PROGRESS"}


# --- workers (module level: a spawned child imports them by name) --------------------------------


def double_it(i: int) -> dict[str, Any]:
    """Doubles ``i`` and reports the process that ran it."""
    return {"doubled": 2 * i, "pid": os.getpid()}


async def double_it_async(i: int) -> dict[str, Any]:
    """:func:`double_it` as a coroutine."""
    return {"doubled": 2 * i, "pid": os.getpid()}


def measure(blob: str) -> dict[str, Any]:
    """The length and digest of a (large) input."""
    return {"length": len(blob), "sha256": hashlib.sha256(blob.encode()).hexdigest()}


def explode(i: int) -> dict[str, Any]:
    """Always raises."""
    raise RuntimeError(f"boom {i}")


# --- how the double speaks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """How the double frames its responses.

    Attributes:
        name: Test id.
        protocol_version: ``HTTP/1.0`` (a connection per request) or ``HTTP/1.1``.
        content_length: Send ``Content-Length`` (else an HTTP/1.0 body ends at the close).
        chunked: Send bodies with ``Transfer-Encoding: chunked``, in several chunks.
        close_each: Answer ``Connection: close`` and close after every response.
        gzip: Compress bodies when the request accepts gzip.
        keep_alive_10: With HTTP/1.0, answer ``Connection: keep-alive`` and keep the connection.
        idle_timeout_s: Close a kept-alive connection, without a word, once it has been idle
            this long (as servers with a keep-alive timeout do).
        drip_bytes: Write responses a few bytes at a time, each write its own TCP segment.
        lowercase_headers: Write the double's own header names in lower case.
        early_hints: Send an interim ``103 Early Hints`` response before every response.
        spring_types: Content types with a charset, as Spring writes them.
        empty_poll_204: Answer an empty batch poll with 204, as servers before Oct 2025 did.
    """

    name: str
    protocol_version: str = "HTTP/1.1"
    content_length: bool = True
    chunked: bool = False
    close_each: bool = False
    gzip: bool = False
    keep_alive_10: bool = False
    idle_timeout_s: float | None = None
    drip_bytes: int | None = None
    lowercase_headers: bool = False
    early_hints: bool = False
    spring_types: bool = False
    empty_poll_204: bool = False

    @property
    def closes_connections(self) -> bool:
        """Whether every connection carries exactly one request."""
        http10 = self.protocol_version == "HTTP/1.0"
        return (http10 and not self.keep_alive_10) or self.close_each

    @property
    def reuses_connections(self) -> bool:
        """Whether the client must have sent several requests on one connection."""
        return not self.closes_connections and self.idle_timeout_s is None


HTTP10 = Speech("http10-close-delimited", "HTTP/1.0", content_length=False)
HTTP10_LENGTH = Speech("http10-content-length-poll-204", "HTTP/1.0", empty_poll_204=True)
HTTP11 = Speech("http11-keep-alive")
CHUNKED = Speech("http11-chunked", content_length=False, chunked=True)
CLOSE_EACH = Speech("http11-connection-close", close_each=True)
GZIP = Speech("http11-gzip", gzip=True)
GZIP_CHUNKED = Speech(
    "http11-gzip-chunked-lowercase",
    content_length=False,
    chunked=True,
    gzip=True,
    lowercase_headers=True,
)
GZIP_HTTP10 = Speech("http10-gzip-close-delimited", "HTTP/1.0", content_length=False, gzip=True)
HTTP10_KEEP_ALIVE = Speech("http10-keep-alive", "HTTP/1.0", keep_alive_10=True)
IDLE_TIMEOUT = Speech("http11-idle-timeout", idle_timeout_s=0.05)
DRIP_CHUNKED = Speech("http11-drip-chunked", content_length=False, chunked=True, drip_bytes=7)
EARLY_HINTS = Speech("http11-early-hints-charset", early_hints=True, spring_types=True)

SPEECHES = [
    HTTP10,
    HTTP10_LENGTH,
    HTTP11,
    CHUNKED,
    CLOSE_EACH,
    GZIP,
    GZIP_CHUNKED,
    GZIP_HTTP10,
    HTTP10_KEEP_ALIVE,
    IDLE_TIMEOUT,
    DRIP_CHUNKED,
    EARLY_HINTS,
]


# --- what the double records ---------------------------------------------------------------------


@dataclass
class Recorded:
    """One request as received, and how it was answered."""

    connection: int
    method: str
    path: str
    query: dict[str, list[str]]
    version: str
    headers: list[tuple[str, str]]
    body: bytes
    status: int = 0
    content_encoding: str | None = None
    handed_out: list[str] = field(default_factory=list)  # ids of the tasks in the response

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class TaskState:
    """A task of the double: its JSON, how it was handed out, and every result posted for it."""

    task: dict[str, Any]
    handed_out: list[str] = field(default_factory=list)  # "poll" or "update-v2", in order
    results: list[dict[str, Any]] = field(default_factory=list)


# --- the server ----------------------------------------------------------------------------------


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every handler thread
    block_on_close = True

    def __init__(self, double: StdlibConductor) -> None:
        self.double = double
        self._connection_ids = itertools.count(1)
        self.open_connections: dict[socket.socket, int] = {}  # accepted and not yet closed
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which may wait on DNS: skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        # Registered here, in the serving thread, so stop() sees every accepted connection.
        with self.connections_lock:
            self.open_connections[request] = next(self._connection_ids)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.open_connections.pop(request, None)
        super().shutdown_request(request)
        self.double.connection_closed()

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.double.note_server_error()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        speech = self.server.double.speech
        self.protocol_version = speech.protocol_version
        super().setup()
        # A read timeout on the connection: the server closes it after idling this long.
        self.connection.settimeout(speech.idle_timeout_s)
        if speech.drip_bytes:
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.wfile = _Drip(self.wfile, speech.drip_bytes)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are recorded, not logged."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        with self.server.connections_lock:
            connection = self.server.open_connections[self.request]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        record = Recorded(
            connection=connection,
            method=method,
            path=parts.path,
            query=parse_qs(parts.query),
            version=self.request_version,
            headers=list(self.headers.items()),
            body=body,
        )
        double = self.server.double
        double.record(record)
        status, payload, content_type = double.route(record)
        self._respond(record, status, payload, content_type)

    def _respond(
        self, record: Recorded, status: int, payload: bytes | None, content_type: str
    ) -> None:
        speech = self.server.double.speech
        accepts_gzip = "gzip" in (record.header("Accept-Encoding") or "").lower()
        if payload and speech.gzip and accepts_gzip:
            payload = gzip.compress(payload)
            record.content_encoding = "gzip"
        record.status = status
        if speech.early_hints:
            self.send_response_only(103)
            self.send_header("Link", "</api/tasks>; rel=preload")
            self.end_headers()
        self.send_response(status)
        headers: list[tuple[str, str]] = []
        if payload is not None:
            charset = ";charset=UTF-8" if speech.spring_types else ""
            headers.append(("Content-Type", content_type + charset))
        if record.content_encoding:
            headers.append(("Content-Encoding", record.content_encoding))
        if payload is not None:
            if speech.chunked:
                headers.append(("Transfer-Encoding", "chunked"))
            elif speech.content_length:
                headers.append(("Content-Length", str(len(payload))))
        if speech.close_each:
            headers.append(("Connection", "close"))  # send_header also sets close_connection
        elif speech.keep_alive_10:
            headers.append(("Connection", "keep-alive"))  # and this clears it
        for name, value in headers:
            self.send_header(name.lower() if speech.lowercase_headers else name, value)
        self.end_headers()
        if payload is None:
            return
        if speech.chunked:
            self._write_chunked(payload)
        else:
            self.wfile.write(payload)

    def _write_chunked(self, payload: bytes) -> None:
        """Write ``payload`` as up to three chunks (one write each), then the last chunk."""
        step = max(1, -(-len(payload) // 3))
        for start in range(0, len(payload), step):
            piece = payload[start : start + step]
            self.wfile.write(b"%x;piece=%d\r\n%s\r\n" % (len(piece), start, piece))
        self.wfile.write(b"0\r\nX-Chunks: %d\r\n\r\n" % -(-len(payload) // step))  # a trailer


class _Drip(io.BufferedIOBase):
    """A response writer that sends each ``size`` bytes with a write of their own."""

    def __init__(self, inner: Any, size: int) -> None:
        super().__init__()
        self._inner = inner
        self._size = size

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        for start in range(0, len(view), self._size):
            self._inner.write(view[start : start + self._size])
        return len(view)

    def flush(self) -> None:
        self._inner.flush()

    def close(self) -> None:
        super().close()
        self._inner.close()


def _error(status: int, message: str) -> bytes:
    return json.dumps({"status": status, "message": message, "retryable": False}).encode()


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class StdlibConductor:
    """The double: start(), stop() (or ``with``), tasks in, requests and results out.

    Args:
        speech: How responses are framed.
        update_v2: False to answer update-v2 with 404, as a server without it does.
    """

    def __init__(self, speech: Speech, *, update_v2: bool = True) -> None:
        self.speech = speech
        self.update_v2 = update_v2
        self.server_errors: list[str] = []  # tracebacks of requests the handler failed on
        self._cond = threading.Condition()
        self._closing = False
        self._requests: list[Recorded] = []
        self._tasks: dict[str, TaskState] = {}
        self._queues: dict[str, deque[str]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.address = ""  # "127.0.0.1:<port>" once started (kept after stop)

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> StdlibConductor:
        self._server = _Server(self)
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="stdlib-conductor",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections and long polls, and join every thread."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        server.shutdown()
        thread.join()
        with server.connections_lock:
            connections = list(server.open_connections)
        for connection in connections:
            try:  # wakes a handler waiting for the next request on a kept-alive connection
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                continue  # already closed by its handler
        server.server_close()  # joins the handler threads
        self._server = self._thread = None

    def __enter__(self) -> StdlibConductor:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The API root, as ``Configuration(server_api_url=...)`` takes it."""
        assert self.address, "not started"
        return f"http://{self.address}/api"

    # --- test side ---------------------------------------------------------------------------

    def enqueue(self, task_type: str, input_data: dict[str, Any]) -> str:
        """Schedule a task of ``task_type`` in a one-task workflow; return its id."""
        task_id = str(uuid.uuid4())
        now = int(time.time() * 1000)
        task = {
            "taskId": task_id,
            "taskType": task_type,
            "taskDefName": task_type,
            "referenceTaskName": f"{task_type}_ref",
            "workflowInstanceId": str(uuid.uuid4()),
            "workflowType": f"{task_type}_wf",
            "status": "SCHEDULED",
            "inputData": input_data,
            "outputData": {},
            "retryCount": 0,
            "seq": 1,
            "pollCount": 0,
            "scheduledTime": now,
            "startTime": 0,
            "endTime": 0,
            "updateTime": now,
            "startDelayInSeconds": 0,
            "retried": False,
            "executed": False,
            "callbackFromWorker": True,
            "responseTimeoutSeconds": 3600,
            "callbackAfterSeconds": 0,
            "workflowPriority": 0,
            "iteration": 0,
            "subworkflowChanged": False,
            "loopOverTask": False,
            "queueWaitTime": 0,
            "workflowTask": {
                "name": task_type,
                "taskReferenceName": f"{task_type}_ref",
                "type": "SIMPLE",
                "inputParameters": {},
                "optional": False,
                "asyncComplete": False,
            },
            "executionMetadata": {"serverSendTime": now},  # newer servers add these; unmodelled
            "taskDefinition": {"name": task_type, "retryCount": 3, "timeoutSeconds": 0},
        }
        with self._cond:
            self._tasks[task_id] = TaskState(task)
            self._queues.setdefault(task_type, deque()).append(task_id)
            self._cond.notify_all()
        return task_id

    def state(self, task_id: str) -> TaskState:
        """A snapshot of one task's state."""
        with self._cond:
            state = self._tasks[task_id]
            return TaskState(
                dict(state.task), list(state.handed_out), [dict(r) for r in state.results]
            )

    @property
    def requests(self) -> list[Recorded]:
        """Every request so far, in the order received."""
        with self._cond:
            return list(self._requests)

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 30.0) -> None:
        """Wait until ``predicate()`` (evaluated whenever a request arrives) holds.

        Raises:
            TimeoutError: It did not hold within ``timeout_s``.
        """
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{getattr(predicate, '__qualname__', predicate)} stayed false"
                    )
                self._cond.wait(remaining)

    def all_delivered(self, task_ids: list[str]) -> Callable[[], bool]:
        """A predicate for :meth:`wait_for`: every task has at least one result."""

        def delivered() -> bool:
            return all(self._tasks[task_id].results for task_id in task_ids)

        return delivered

    # --- server side (handler threads) -------------------------------------------------------

    @property
    def open_connections(self) -> int:
        """Connections accepted and not yet closed by the server."""
        server = self._server
        if server is None:
            return 0
        with server.connections_lock:
            return len(server.open_connections)

    def connection_closed(self) -> None:
        with self._cond:
            self._cond.notify_all()  # wakes wait_for(), which may be counting connections

    def note_server_error(self) -> None:
        """Keep the exception a handler raised (called in its ``except`` by socketserver)."""
        with self._cond:
            if not self._closing:  # a client that went away while the double stops is fine
                self.server_errors.append(traceback.format_exc())

    def record(self, record: Recorded) -> None:
        with self._cond:
            self._requests.append(record)
            self._cond.notify_all()

    def route(self, record: Recorded) -> tuple[int, bytes | None, str]:
        """``(status, body or None, content type)`` for one request."""
        path, method = record.path, record.method
        if method == "GET" and path.startswith("/api/tasks/poll/batch/"):
            return self._batch_poll(path.rsplit("/", 1)[1], record)
        if method == "POST" and path == "/api/tasks/update-v2" and self.update_v2:
            return self._update(record, v2=True)
        if method == "POST" and path == "/api/tasks":
            return self._update(record, v2=False)
        return 404, _error(404, f"No route for {method} {path}"), "application/json"

    def _batch_poll(self, task_type: str, record: Recorded) -> tuple[int, bytes | None, str]:
        query = record.query
        count = int(query.get("count", ["1"])[0])
        timeout_ms = int(query.get("timeout", ["100"])[0])
        worker_id = query.get("workerid", [None])[0]
        if timeout_ms > MAX_LONG_POLL_MS:
            message = "Long Poll Timeout value cannot be more than 5 seconds"
            return 400, _error(400, message), "application/json"
        deadline = time.monotonic() + timeout_ms / 1000.0
        with self._cond:
            while True:
                tasks = self._take(task_type, count, worker_id, "poll")
                remaining = deadline - time.monotonic()
                if tasks or self._closing or remaining <= 0:
                    break
                self._cond.wait(remaining)
        if not tasks and self.speech.empty_poll_204:
            return 204, None, ""
        record.handed_out = [task["taskId"] for task in tasks]
        return 200, _json(tasks), "application/json"

    def _take(
        self, task_type: str, count: int, worker_id: str | None, how: str
    ) -> list[dict[str, Any]]:
        """Hand out up to ``count`` queued tasks (call with the condition held)."""
        queue = self._queues.get(task_type) or deque()
        taken: list[dict[str, Any]] = []
        now = int(time.time() * 1000)
        while queue and len(taken) < count:
            state = self._tasks[queue.popleft()]
            task = state.task
            task.update(status="IN_PROGRESS", workerId=worker_id, updateTime=now)
            task["pollCount"] += 1
            task["startTime"] = task["startTime"] or now
            state.handed_out.append(how)
            taken.append(dict(task))
        return taken

    def _update(self, record: Recorded, *, v2: bool) -> tuple[int, bytes | None, str]:
        try:
            result = record.json()
        except ValueError:
            return 400, _error(400, "malformed JSON"), "application/json"
        task_id, workflow_id = result.get("taskId"), result.get("workflowInstanceId")
        if not task_id or not workflow_id:
            return (
                400,
                _error(400, "taskId and workflowInstanceId are required"),
                "application/json",
            )
        if result.get("status") not in _RESULT_STATUSES:
            return 500, _error(500, f"bad status {result.get('status')!r}"), "application/json"
        with self._cond:
            state = self._tasks.get(task_id)
            if state is None or state.task["workflowInstanceId"] != workflow_id:
                return 404, _error(404, f"No such task found by id: {task_id}"), "application/json"
            self._apply(state, result)
            self._cond.notify_all()
            if not v2:
                return 200, task_id.encode(), "text/plain"
            if result["status"] not in _TERMINAL:
                return 204, None, ""
            following = self._take(state.task["taskType"], 1, result.get("workerId"), "update-v2")
            if not following:
                return 204, None, ""
            record.handed_out = [following[0]["taskId"]]
        return 200, _json(following[0]), "application/json"

    def _apply(self, state: TaskState, result: dict[str, Any]) -> None:
        state.results.append(result)
        task = state.task
        if task["status"] in _TERMINAL:
            return  # a duplicate update of a finished task changes nothing, as on the server
        task["status"] = "SCHEDULED" if result["status"] == "IN_PROGRESS" else result["status"]
        task["outputData"] = result.get("outputData") or {}
        task["reasonForIncompletion"] = result.get("reasonForIncompletion")
        task["workerId"] = result.get("workerId")


# --- running a TaskRunner in a thread ------------------------------------------------------------


@contextmanager
def running(runner: TaskRunner, join_timeout_s: float = 30.0) -> Iterator[threading.Thread]:
    """Run ``runner`` in a thread; stop it on exit and check that run() returned cleanly."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            runner.run()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=target, name="foreign-runner", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        runner.stop()
        thread.join(join_timeout_s)
    assert not thread.is_alive(), "run() did not return after stop()"
    assert not errors, errors
