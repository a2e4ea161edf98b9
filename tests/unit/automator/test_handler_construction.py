"""TaskHandler construction: worker validation, config errors at startup, no import side effects."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from typing import Any

import pytest

from conductor.client import automator
from conductor.client.automator import task_handler
from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.settings.metrics_settings import MetricsSettings
from conductor.client.worker import _registry
from conductor.client.worker.worker import Worker


def _noop(task: Any) -> dict[str, Any]:
    return {}


@pytest.mark.parametrize(
    ("workers", "message"),
    [
        ("not a worker", "not str"),
        ({"a": 1}, "not dict"),
        (42, "not int"),
        ([Worker("ok", _noop), _noop], r"workers\[1\] is a function"),
        ((Worker("ok", _noop), "x"), r"workers\[1\] is a str"),
    ],
)
def test_bad_workers_argument_is_a_type_error(workers: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        TaskHandler(workers, scan_for_annotated_workers=False)


def test_single_worker_list_tuple_and_none() -> None:
    worker = Worker("single", _noop)
    assert TaskHandler(worker, scan_for_annotated_workers=False).workers == [worker]
    assert TaskHandler((worker,), scan_for_annotated_workers=False).workers == [worker]
    assert TaskHandler(None, scan_for_annotated_workers=False).workers == []


def test_invalid_configuration_fails_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDUCTOR_WORKER_SINGLE_THREAD_COUNT", "zero")
    with pytest.raises(ValueError, match="CONDUCTOR_WORKER_SINGLE_THREAD_COUNT") as info:
        TaskHandler(Worker("single", _noop), scan_for_annotated_workers=False)
    assert "'zero'" in str(info.value)


def test_configuration_is_resolved_and_applied_in_the_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("conductor_worker_single_domain", "from_env")
    worker = Worker("single", _noop, domain="from_ctor")
    TaskHandler(worker, scan_for_annotated_workers=False)
    assert worker.get_domain() == "from_env"


def test_metrics_without_prometheus_client_explains_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "prometheus_client" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    settings = MetricsSettings(directory=str(tmp_path))
    with pytest.raises(ImportError, match=r"conductor-python\[metrics\]"):
        TaskHandler([], metrics_settings=settings, scan_for_annotated_workers=False)


def test_unpicklable_worker_is_reported_before_spawning() -> None:
    handler = TaskHandler(
        Worker("lambda_task", lambda task: {}),
        scan_for_annotated_workers=False,
        start_method="spawn",
    )
    with pytest.raises(TypeError, match="worker 'lambda_task' cannot be sent") as info:
        handler.start_processes()
    assert "'spawn' start method" in str(info.value)
    assert handler.task_runner_processes == []
    handler.stop_processes()


def test_start_method_follows_the_application(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = TaskHandler([], scan_for_annotated_workers=False)
    monkeypatch.setattr(task_handler.multiprocessing, "get_start_method", lambda allow_none: None)
    monkeypatch.setattr(task_handler.sys, "platform", "linux")
    assert handler.start_method == "fork"
    monkeypatch.setattr(task_handler.sys, "platform", "darwin")
    assert handler.start_method == "spawn"
    monkeypatch.setattr(
        task_handler.multiprocessing, "get_start_method", lambda allow_none: "forkserver"
    )
    assert handler.start_method == "forkserver"
    explicit = TaskHandler([], scan_for_annotated_workers=False, start_method="spawn")
    assert explicit.start_method == "spawn"


def test_importing_has_no_side_effects() -> None:
    code = (
        "import multiprocessing, os, threading\n"
        "from multiprocessing import set_start_method\n"
        "import conductor.client.automator.task_handler\n"
        "import conductor.client.worker.worker_task\n"
        "assert multiprocessing.get_start_method(allow_none=True) is None\n"
        "assert threading.active_count() == 1\n"
        "assert 'no_proxy' not in os.environ\n"
        "set_start_method('fork')  # the seeds' line, after the import\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr


def test_registry_names_are_re_exported() -> None:
    assert task_handler.register_decorated_fn is _registry.register_decorated_fn
    assert task_handler._decorated_functions is _registry._decorated_functions


def test_package_exports_handler_and_runner() -> None:
    from conductor.client.automator.task_runner import TaskRunner

    assert automator.TaskHandler is TaskHandler
    assert automator.TaskRunner is TaskRunner
    with pytest.raises(AttributeError):
        automator.NoSuchThing  # noqa: B018


def test_handler_attributes_like_the_original() -> None:
    handler = TaskHandler([], scan_for_annotated_workers=False)
    assert handler.task_runner_processes == []
    assert handler.metrics_provider_process is None
    assert handler.is_healthy() is False
