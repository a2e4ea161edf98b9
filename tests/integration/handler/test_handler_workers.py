"""TaskHandler runs the seeds' worker styles in real processes against the local server."""

from __future__ import annotations

import importlib
import logging
from typing import Callable

import handler_workers
import pytest
from handler_support import completed, output, status

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.task_def import TaskDef
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker

pytestmark = pytest.mark.integration

MakeHandler = Callable[..., TaskHandler]


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
@pytest.mark.usefixtures("clean_registry")
def test_function_class_and_decorated_workers_complete_tasks(
    server: InMemoryConductorServer, make_handler: MakeHandler, task_type: str, start_method: str
) -> None:
    from handler_decorated import DECORATED_TASK

    workers = [
        Worker(task_definition_name=f"{task_type}_fn", execute_function=handler_workers.execute),
        handler_workers.SimplePythonWorker(task_definition_name=f"{task_type}_cls"),
    ]
    handler = make_handler(
        workers,
        scan_for_annotated_workers=True,
        import_modules=["handler_decorated"],
        start_method=start_method,
    )
    function_id = server.enqueue_task(f"{task_type}_fn")
    class_id = server.enqueue_task(f"{task_type}_cls")
    decorated_id = server.enqueue_task(DECORATED_TASK, {"name": "Ada"})

    handler.start_processes()
    server.wait_for(completed(server, [function_id, class_id, decorated_id]), timeout=30)

    assert output(server, function_id) == {"worker_style": "function"}
    assert output(server, class_id) == {
        "worker_style": "class",
        "secret_number": 1234,
        "is_it_true": False,
    }
    assert output(server, decorated_id) == {"result": "Hello, Ada"}
    assert server.get_task(function_id)["workerId"] == "your_custom_id"
    names = sorted(process.name for process in handler.task_runner_processes)
    assert names == sorted(
        [
            f"conductor-{task_type}_fn",
            f"conductor-{task_type}_cls",
            f"conductor-{DECORATED_TASK}",
            "conductor-handler_classic_decorated_task",
        ]
    )


@pytest.mark.usefixtures("clean_registry")
def test_decorated_worker_passed_explicitly_runs_once(server: InMemoryConductorServer) -> None:
    decorated = importlib.import_module("handler_decorated")
    explicit = [Worker(decorated.DECORATED_TASK, decorated.greet)]
    caller_list = list(explicit)

    first = TaskHandler(caller_list, scan_for_annotated_workers=None)
    second = TaskHandler(caller_list)

    for handler in (first, second):
        assert [w.task_definition_names[0] for w in handler.workers] == [
            decorated.DECORATED_TASK,
            decorated.CLASSIC_DECORATED_TASK,
        ]
    assert caller_list == explicit  # the caller's list is never extended


@pytest.mark.parametrize("start_method", ["fork", "forkserver"])
def test_single_worker_without_a_list(
    server: InMemoryConductorServer, make_handler: MakeHandler, task_type: str, start_method: str
) -> None:
    handler = make_handler(Worker(task_type, handler_workers.whoami), start_method=start_method)
    task_id = server.enqueue_task(task_type)
    handler.start_processes()
    server.wait_for(completed(server, [task_id]), timeout=30)
    assert output(server, task_id)["pid"] == handler.task_runner_processes[0].pid


def test_worker_processes_register_their_task_definitions(
    server: InMemoryConductorServer, make_handler: MakeHandler, task_type: str
) -> None:
    template = TaskDef(description="registered by the worker", retry_count=2)
    worker = Worker(
        task_type, handler_workers.whoami, register_task_def=True, task_def_template=template
    )
    handler = make_handler(worker, start_method="spawn")  # the template crosses by pickle
    handler.start_processes()
    server.wait_for(lambda: server.request_counts.get("batch_poll", 0) >= 1, timeout=30)
    stored = MetadataResourceApi(ApiClient(handler.configuration)).get_task_def(task_type)
    assert (stored.name, stored.description, stored.retry_count) == (
        task_type,
        "registered by the worker",
        2,
    )


def test_domain_from_constructor_and_from_env(
    server: InMemoryConductorServer,
    make_handler: MakeHandler,
    task_type: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"CONDUCTOR_WORKER_{task_type.upper()}_B_DOMAIN", "green")
    handler = make_handler(
        [
            Worker(f"{task_type}_a", handler_workers.whoami, domain="blue"),
            Worker(f"{task_type}_b", handler_workers.whoami, domain="blue"),
        ]
    )
    plain = server.enqueue_task(f"{task_type}_a")
    blue = server.enqueue_task(f"{task_type}_a", domain="blue")
    green = server.enqueue_task(f"{task_type}_b", domain="green")
    handler.start_processes()
    server.wait_for(completed(server, [blue, green]))
    assert status(server, plain) == "SCHEDULED"


def test_paused_by_env_never_polls(
    server: InMemoryConductorServer,
    make_handler: MakeHandler,
    task_type: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="conductor.client.automator.task_runner")
    monkeypatch.setenv(f"conductor.worker.{task_type}_paused.paused", "true")
    handler = make_handler(
        [
            Worker(f"{task_type}_paused", handler_workers.whoami),
            Worker(f"{task_type}_live", handler_workers.whoami),
        ]
    )
    paused_id = server.enqueue_task(f"{task_type}_paused")
    live_id = server.enqueue_task(f"{task_type}_live")
    handler.start_processes()

    server.wait_for(completed(server, [live_id]))
    server.wait_for(lambda: any("is paused" in r.getMessage() for r in caplog.records), timeout=10)
    task = server.get_task(paused_id)
    assert (task["status"], task.get("pollCount", 0)) == ("SCHEDULED", 0)


def test_round_robin_over_a_list_of_task_names(
    server: InMemoryConductorServer, make_handler: MakeHandler, task_type: str
) -> None:
    names = [f"{task_type}_{i}" for i in range(3)]
    handler = make_handler(Worker(names, handler_workers.whoami))
    task_ids = [server.enqueue_task(name) for name in names for _ in range(2)]
    handler.start_processes()
    server.wait_for(completed(server, task_ids))
    assert len(handler.task_runner_processes) == 1
    assert {output(server, t)["pid"] for t in task_ids} == {handler.task_runner_processes[0].pid}
