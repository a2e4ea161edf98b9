"""``InMemoryConductorServer``: a Conductor-compatible server in a background thread.

It speaks the task, metadata and workflow REST API over real HTTP on 127.0.0.1, keeps all state
in memory, and runs sequential workflows of SIMPLE tasks. It is a test double and a development
convenience; production deployments run a real Conductor server.

Known differences from a default Conductor server: ``ownerEmail`` is optional on definitions;
workflow definitions may only contain SIMPLE tasks (anything else is rejected with 400); rate
limits, ``timeoutSeconds``/``pollTimeoutSeconds``/``totalTimeoutSeconds`` of task definitions
and external payload storage are not implemented; queues ignore workflow priority; search scans
the state and understands only simple queries (see ``_search``); the synchronous
``POST /workflow/execute/{name}/{version}`` honours ``waitForSeconds`` (default 10).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import logging
import re
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Callable

from conductor.client.testing._auth import TokenAuth
from conductor.client.testing._engine import Engine
from conductor.client.testing._errors import ApiError
from conductor.client.testing._faults import Failure, Faults, RequestCounts
from conductor.client.testing._http import HttpServer
from conductor.client.testing._longpoll import QueueWaiters
from conductor.client.testing._records import JsonDict
from conductor.client.testing._routing import Router
from conductor.client.testing._search import SearchRoutes
from conductor.client.testing._task_routes import TaskRoutes
from conductor.client.testing._workflow_api import MetadataApi, WorkflowApi
from conductor.client.testing._workflow_routes import WorkflowRoutes

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 0.1
_START_TIMEOUT_S = 10.0
_CAMEL = re.compile(r"_([a-z])")


class InMemoryConductorServer:
    """A local, in-memory Conductor server for tests and development.

    Args:
        port: TCP port; 0 picks a free one (read it back from ``port`` after ``start()``).
        host: interface to bind; loopback by default.
        auth_key_id: with ``auth_key_secret``, require Orkes-style token auth.
        auth_key_secret: the secret that goes with ``auth_key_id``.
        token_ttl_seconds: lifetime of issued tokens.

    Example:
        with InMemoryConductorServer() as server:
            task_id = server.enqueue_task("greet", {"name": "Ada"})
            ...  # run a worker against server.url
            server.wait_for(lambda: server.get_task(task_id)["status"] == "COMPLETED")
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        *,
        auth_key_id: str | None = None,
        auth_key_secret: str | None = None,
        token_ttl_seconds: float = 3600,
    ) -> None:
        if (auth_key_id is None) != (auth_key_secret is None):
            raise ValueError("auth_key_id and auth_key_secret must be given together")
        self._host = host
        self._port = port
        self._auth = (
            TokenAuth(auth_key_id, auth_key_secret, token_ttl_seconds)
            if auth_key_id is not None and auth_key_secret is not None
            else None
        )
        self._engine = Engine()
        self._metadata = MetadataApi(self._engine)
        self._workflows = WorkflowApi(self._engine)
        self._faults = Faults()
        self._counts = RequestCounts()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._http: HttpServer | None = None
        self._paused = False
        self._sweeper: asyncio.TimerHandle | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> InMemoryConductorServer:
        """Bind and serve in a background thread; returns self. OSError if the port is taken."""
        if self._thread is not None:
            raise RuntimeError("server already started")
        ready: concurrent.futures.Future[int] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="conductor-local-server", daemon=True
        )
        self._thread.start()
        try:
            self._port = ready.result(timeout=_START_TIMEOUT_S)
        except BaseException:
            self._thread.join(_START_TIMEOUT_S)
            self._thread = None
            raise
        return self

    def _run(self, ready: concurrent.futures.Future[int]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            waiters = QueueWaiters(loop)
            self._http = HttpServer(self._build_router(waiters).handle, self._host, self._port)
            port = loop.run_until_complete(self._http.listen())
        except BaseException as exc:
            ready.set_exception(exc)
            loop.close()
            return
        self._engine.set_listener(waiters.notify)
        self._loop = loop
        self._sweeper = loop.call_later(SWEEP_INTERVAL_S, self._sweep)
        ready.set_result(port)
        try:
            loop.run_forever()
        finally:
            if self._sweeper is not None:
                self._sweeper.cancel()
            self._engine.set_listener(None)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def _build_router(self, waiters: QueueWaiters) -> Router:
        routes = TaskRoutes(self._engine, self._workflows, waiters).routes()
        routes += WorkflowRoutes(self._metadata, self._workflows, self._auth).routes()
        routes += SearchRoutes(self._engine).routes()
        return Router(routes, faults=self._faults, counts=self._counts, auth=self._auth)

    def _sweep(self) -> None:
        """Periodic response-timeout check (polls and reads also check lazily)."""
        assert self._loop is not None
        try:
            self._engine.sweep()
        except Exception:
            logger.exception("response-timeout sweep failed")
        self._sweeper = self._loop.call_later(SWEEP_INTERVAL_S, self._sweep)

    def stop(self) -> None:
        """Stop serving, close every connection, join the thread. Idempotent."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        if threading.current_thread() is thread:
            raise RuntimeError("stop() cannot be called from the server's own thread")
        try:
            self._call(self._shutdown_http)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
        self._thread = self._loop = self._http = None
        self._paused = False

    async def _close_http(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def _shutdown_http(self) -> None:
        if self._http is not None:
            await self._http.shutdown()

    def _call(self, make: Callable[[], Any]) -> Any:
        """Run coroutine ``make()`` on the server loop and wait for its result."""
        if self._loop is None:
            raise RuntimeError("server is not running; call start() first")
        future = asyncio.run_coroutine_threadsafe(make(), self._loop)
        return future.result(timeout=_START_TIMEOUT_S)

    def __enter__(self) -> InMemoryConductorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- where it listens -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (the requested one before ``start()``)."""
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` without ``/api``."""
        if self._port == 0:
            raise RuntimeError("port 0 is only resolved by start(); start the server first")
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    @property
    def url(self) -> str:
        """The API root, ``http://127.0.0.1:<port>/api``: what ``server_api_url`` takes."""
        return self.base_url + "/api"

    def api_url(self, path: str = "") -> str:
        """Absolute URL of an API path, e.g. ``api_url("/tasks/poll/x")``."""
        return self.url + ("/" + path.lstrip("/") if path else "")

    # -- fault injection ------------------------------------------------------------------------

    def delay(self, endpoint: str, seconds: float) -> None:
        """Delay every later request of ``endpoint`` by ``seconds`` (0 removes it).

        Raises:
            ValueError: for an unknown endpoint name.
        """
        self._faults.delay(endpoint, seconds)

    def fail_next(
        self,
        endpoint: str,
        n: int = 1,
        status: int = 500,
        *,
        drop: bool = False,
        after_processing: bool = False,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """Make the next ``n`` requests of ``endpoint`` fail.

        Args:
            endpoint: an endpoint name (see ``request_counts``).
            n: how many requests fail.
            status: HTTP status of the error answer (body: an ErrorResponse, or ``body``).
            drop: close the connection without answering instead.
            after_processing: apply the request first, then fail (a lost response).
            body: JSON body to send with ``status``.

        Raises:
            ValueError: for an unknown endpoint name or a negative ``n``.
        """
        self._faults.fail_next(endpoint, n, Failure(status, drop, after_processing, body))

    def clear_faults(self) -> None:
        """Remove every delay and pending failure."""
        self._faults.clear()

    def pause(self) -> None:
        """Stop listening and close open connections (clients get refused); state is kept."""
        if self._paused:
            return
        self._call(self._close_http)
        self._paused = True

    def resume(self) -> None:
        """Listen again on the same port after ``pause()``."""
        if not self._paused:
            return
        http = self._http
        assert http is not None
        self._call(http.listen)
        self._paused = False

    def expire_tokens(self) -> None:
        """Expire every issued token (the next call gets 401 ``EXPIRED_TOKEN``)."""
        if self._auth is not None:
            self._auth.expire_all()

    # -- test helpers ---------------------------------------------------------------------------

    @property
    def request_counts(self) -> dict[str, int]:
        """Requests received per endpoint name (a copy); unmatched routes count as "unknown"."""
        return self._counts.snapshot()

    def reset_request_counts(self) -> None:
        """Zero every request count."""
        self._counts.reset()

    def enqueue_task(
        self,
        task_type: str,
        input_data: Mapping[str, Any] | None = None,
        *,
        domain: str | None = None,
        response_timeout_seconds: int | None = None,
        retry_count: int | None = None,
        start_delay_seconds: int = 0,
        correlation_id: str | None = None,
        priority: int = 0,
    ) -> str:
        """Schedule one task, inside a synthetic one-task workflow so updates validate.

        Args:
            task_type: the queue (task definition name).
            input_data: the task's ``inputData`` (copied; not evaluated as expressions).
            domain: poll domain, used verbatim (``None``: the default queue).
            response_timeout_seconds: overrides the TaskDef's response timeout for this task.
            retry_count: overrides the TaskDef's retry count for this task.
            start_delay_seconds: the task becomes pollable after this delay.
            correlation_id: the workflow's correlation id.
            priority: the workflow priority (0-99).

        Returns:
            The task id. Retries follow the registered TaskDef (or the default one).
        """
        overrides: JsonDict = {}
        if response_timeout_seconds is not None:
            overrides["responseTimeoutSeconds"] = response_timeout_seconds
        return self._engine.enqueue_task(
            task_type,
            input_data,
            domain=domain,
            task_def_overrides=overrides,
            retry_count=retry_count,
            start_delay_seconds=start_delay_seconds,
            correlation_id=correlation_id,
            priority=priority,
        )

    def register_task_def(self, name: str, **fields: Any) -> JsonDict:
        """Register (or replace) a task definition; snake_case or camelCase field names.

        Example: ``register_task_def("greet", retry_count=0, response_timeout_seconds=5)``.
        Returns the stored definition. Raises ``ValueError`` if it is invalid.
        """
        task_def = {_camel(key): value for key, value in fields.items()}
        task_def["name"] = name
        self._checked(self._metadata.register_task_defs, [task_def])
        return self._metadata.get_task_def(name)

    def register_workflow_def(
        self, definition: Mapping[str, Any], *, overwrite: bool = True
    ) -> None:
        """Register a workflow definition (REST JSON shape); ``ValueError`` if invalid."""
        self._checked(
            lambda body: self._metadata.create_workflow_def(body, overwrite=overwrite),
            copy.deepcopy(dict(definition)),
        )

    def start_workflow(
        self,
        name: str,
        workflow_input: Mapping[str, Any] | None = None,
        **request: Any,
    ) -> str:
        """Start a registered workflow; extra StartWorkflowRequest fields in snake/camelCase."""
        body = {_camel(key): value for key, value in request.items()}
        body.update(name=name, input=copy.deepcopy(dict(workflow_input or {})))
        return str(self._checked(self._workflows.start, body))

    @staticmethod
    def _checked(call: Callable[[Any], Any], argument: Any) -> Any:
        try:
            return call(argument)
        except ApiError as error:
            raise ValueError(f"{error.status}: {error.to_body()}") from None

    def get_task(self, task_id: str) -> JsonDict:
        """The task as ``GET /tasks/{id}`` returns it (a copy). Raises ``KeyError`` if unknown."""
        try:
            return copy.deepcopy(self._engine.get_task(task_id))
        except ApiError:
            raise KeyError(f"no task with id {task_id}") from None

    def task_logs(self, task_id: str) -> list[JsonDict]:
        """Execution logs of a task (``[]`` when none)."""
        return self._engine.get_logs(task_id)

    def tasks_by_type(self, task_type: str) -> list[JsonDict]:
        """Every task (all attempts) of ``task_type``, oldest first."""
        return self._engine.tasks_where(lambda task: task["taskType"] == task_type)

    def tasks(self, status: str | None = None) -> list[JsonDict]:
        """Every task, optionally only those with ``status``."""
        return self._engine.tasks_where(lambda task: status is None or task["status"] == status)

    def workflow(self, workflow_id: str) -> JsonDict:
        """The workflow with its tasks (a copy). Raises ``KeyError`` if unknown."""
        try:
            return copy.deepcopy(self._workflows.get(workflow_id, include_tasks=True))
        except ApiError:
            raise KeyError(f"no workflow with id {workflow_id}") from None

    def queue_size(self, task_type: str, domain: str | None = None) -> int:
        """Messages (ready or delayed) in the ``domain:task_type`` queue."""
        return self._engine.queue_size(task_type, domain)

    def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.01
    ) -> None:
        """Call ``predicate`` until it returns something truthy.

        Raises:
            TimeoutError: if it is still falsy after ``timeout`` seconds; the message names the
                predicate and its last value.
        """
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return
            if time.monotonic() >= deadline:
                name = getattr(predicate, "__qualname__", repr(predicate))
                raise TimeoutError(
                    f"condition {name} still false after {timeout:.1f}s (last value: {value!r})"
                )
            time.sleep(interval)


def _camel(name: str) -> str:
    return _CAMEL.sub(lambda match: match.group(1).upper(), name)
