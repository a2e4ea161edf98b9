"""register_task_def: the runner registers its task definitions when run() starts, as 2.x does."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from test_task_runner_support import make_runner, new_task_type, running, status_of

from conductor.client.automator.task_runner import TaskRunner
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_def import TaskDef
from conductor.client.http.rest import ApiException
from conductor.client.testing.server import InMemoryConductorServer
from conductor.client.worker.worker import Worker

SHORT_POLL_MS = 200


def echo(task: Task) -> dict[str, Any]:
    return {"ok": True}


def _worker(name: str | list[str], **kwargs: Any) -> Worker:
    kwargs.setdefault("register_task_def", True)
    return Worker(name, echo, poll_timeout=SHORT_POLL_MS, **kwargs)


def _metadata(server: InMemoryConductorServer) -> MetadataResourceApi:
    return MetadataResourceApi(ApiClient(Configuration(server_api_url=server.url)))


def _run_until_polling(server: InMemoryConductorServer, runner: TaskRunner) -> dict[str, int]:
    """Run ``runner`` until its first poll; registration, if any, happened before that."""
    with running(runner):
        server.wait_for(lambda: server.request_counts.get("batch_poll", 0) >= 1)
        return server.request_counts


def test_a_missing_definition_is_created_put_then_post(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    counts = _run_until_polling(conductor_server, make_runner(conductor_server, _worker(name)))
    assert counts["metadata"] == 2  # PUT answered 404, then POST [TaskDef]
    assert _metadata(conductor_server).get_task_def(name).name == name


def test_an_existing_definition_is_overwritten_from_a_template(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    conductor_server.register_task_def(name, retry_count=1, description="old")
    template = TaskDef(name="ignored", description="from the template", retry_count=7)
    worker = _worker(name, task_def_template=template)
    counts = _run_until_polling(conductor_server, make_runner(conductor_server, worker))
    stored = _metadata(conductor_server).get_task_def(name)
    assert counts["metadata"] == 1  # the PUT alone
    assert (stored.name, stored.retry_count, stored.description) == (name, 7, "from the template")
    assert template.name == "ignored"  # a copy was sent, the template is untouched


def test_without_overwrite_an_existing_definition_is_left_alone(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    conductor_server.register_task_def(name, retry_count=1)
    worker = _worker(name, task_def_template=TaskDef(retry_count=7), overwrite_task_def=False)
    counts = _run_until_polling(conductor_server, make_runner(conductor_server, worker))
    assert counts["metadata"] == 1  # the GET alone
    assert _metadata(conductor_server).get_task_def(name).retry_count == 1


def test_without_overwrite_a_missing_definition_is_created(
    conductor_server: InMemoryConductorServer,
) -> None:
    name = new_task_type()
    worker = _worker(name, task_def_template=TaskDef(retry_count=4), overwrite_task_def=False)
    counts = _run_until_polling(conductor_server, make_runner(conductor_server, worker))
    assert counts["metadata"] == 2  # GET answered 404, then POST
    assert _metadata(conductor_server).get_task_def(name).retry_count == 4


def test_every_task_name_of_a_worker_is_registered(
    conductor_server: InMemoryConductorServer,
) -> None:
    names = [new_task_type(), new_task_type()]
    worker = _worker(names, task_def_template=TaskDef(retry_count=2))
    _run_until_polling(conductor_server, make_runner(conductor_server, worker))
    stored = [_metadata(conductor_server).get_task_def(name) for name in names]
    assert [(d.name, d.retry_count) for d in stored] == [(names[0], 2), (names[1], 2)]


def test_nothing_is_registered_by_default(conductor_server: InMemoryConductorServer) -> None:
    name = new_task_type()
    worker = _worker(name, register_task_def=False)
    counts = _run_until_polling(conductor_server, make_runner(conductor_server, worker))
    assert "metadata" not in counts
    with pytest.raises(ApiException) as info:
        _metadata(conductor_server).get_task_def(name)
    assert info.value.status == 404


def test_register_task_def_from_the_environment(
    conductor_server: InMemoryConductorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = new_task_type()
    monkeypatch.setenv(f"conductor.worker.{name}.register_task_def", "true")
    runner = make_runner(conductor_server, _worker(name, register_task_def=False))
    assert runner.worker.register_task_def is True
    _run_until_polling(conductor_server, runner)
    assert _metadata(conductor_server).get_task_def(name).name == name


def test_a_server_error_is_logged_with_its_message_and_the_worker_runs(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    task_id = conductor_server.enqueue_task(name)
    conductor_server.fail_next("metadata", 1, status=500, body={"message": "metadata store down"})
    configuration = Configuration(server_api_url=conductor_server.url, max_retries=0)
    runner = TaskRunner(_worker(name), configuration)
    with caplog.at_level(logging.WARNING), running(runner):
        conductor_server.wait_for(lambda: status_of(conductor_server, task_id) == "COMPLETED")
    (warning,) = [r for r in caplog.records if "Could not register" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert "metadata store down" in warning.getMessage()
    assert name in warning.getMessage()


def test_a_rejected_definition_is_logged_with_the_validation_message(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    invalid = TaskDef(timeout_seconds=5, response_timeout_seconds=10)
    runner = make_runner(conductor_server, _worker(name, task_def_template=invalid))
    with caplog.at_level(logging.WARNING):
        _run_until_polling(conductor_server, runner)
    (warning,) = [r for r in caplog.records if "Could not register" in r.getMessage()]
    assert "responseTimeoutSeconds" in warning.getMessage()


def test_schema_registration_is_reported_as_unsupported(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    runner = make_runner(conductor_server, _worker(name, register_schema=True))
    with caplog.at_level(logging.WARNING):
        _run_until_polling(conductor_server, runner)
    assert "register_schema" in caplog.text
    assert _metadata(conductor_server).get_task_def(name).name == name


def test_a_template_that_is_not_a_task_def_is_reported(
    conductor_server: InMemoryConductorServer, caplog: pytest.LogCaptureFixture
) -> None:
    name = new_task_type()
    worker = _worker(name, task_def_template={"retryCount": 1})  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        counts = _run_until_polling(conductor_server, make_runner(conductor_server, worker))
    assert "metadata" not in counts
    assert "task_def_template must be a TaskDef" in caplog.text
