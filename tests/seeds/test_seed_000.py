"""Seed 000 (docs site "Workers (Simple Tasks)"): every Python block runs unchanged."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest
from seed_harness import (
    Script,
    compose,
    enqueue,
    run_workers_epilogue,
    snippet,
    wait_completed,
)

from conductor.client.http.models import Task, TaskResult
from conductor.client.testing import InMemoryConductorServer
from conductor.client.worker import worker as worker_module

pytestmark = pytest.mark.integration

FUNCTION_OUTPUT = {"worker_style": "function"}
CLASS_OUTPUT = {"worker_style": "class", "secret_number": 1234, "is_it_true": False}
ANNOTATED_OUTPUT = {"message": "python is so cool :)"}


def test_execute_task_function_type_matches_the_sdk() -> None:
    # The block is a bare type expression: it needs the names the page imports elsewhere.
    namespace: dict[str, object] = {
        "Callable": typing.Callable,
        "Union": typing.Union,
        "Task": Task,
        "TaskResult": TaskResult,
    }
    exec(compile(snippet("seed000_01.py"), "seed000_01.py", "exec"), namespace)
    assert namespace["ExecuteTaskFunction"] == worker_module.ExecuteTaskFunction


def test_run_workers_with_all_three_styles(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # function (02), class (03), annotated (04), then the page's main program (05): it uses
    # '<KEY_ID>' credentials, which the auth-less local server answers with 404 (no auth).
    text = compose(*(snippet(f"seed000_0{n}.py") for n in (2, 3, 4, 5)))
    ids = enqueue(
        conductor_server,
        [
            ("python_task_example", {}, None),
            ("python_execute_example", {}, None),
            ("python_annotated_task", {}, "cool"),
        ],
    )
    with Script(tmp_path, text, conductor_server) as script:
        tasks = wait_completed(conductor_server, ids, script)
        assert script.terminate() == 0, script.output()
    assert [task["outputData"] for task in tasks] == [
        CLASS_OUTPUT,
        FUNCTION_OUTPUT,
        ANNOTATED_OUTPUT,
    ]
    assert tasks[1]["workerId"] == "your_custom_id"
    assert tasks[2]["workerId"] == "decorated"


def test_several_instances_of_a_class_worker(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # The list ends with a literal `...` ("and so on"); the harness skips that element.
    text = compose(
        snippet("seed000_02.py"),
        snippet("seed000_03.py"),
        snippet("seed000_06.py"),
        run_workers_epilogue("workers", scan=False),
    )
    ids = enqueue(conductor_server, [("python_task_example", {}, None)] * 6)
    with Script(tmp_path, text, conductor_server) as script:
        tasks = wait_completed(conductor_server, ids, script)
        assert script.terminate() == 0, script.output()
    assert all(task["outputData"] == CLASS_OUTPUT for task in tasks)


def test_several_instances_of_a_function_worker(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # This block is not valid Python as printed: the `...` placeholder follows the last
    # element without a comma. Everything but that placeholder line is run unchanged.
    block = snippet("seed000_07.py")
    with pytest.raises(SyntaxError):
        ast.parse(block)
    lines = block.splitlines(keepends=True)
    assert [line.strip() for line in lines].count("...") == 1
    runnable = "".join(line for line in lines if line.strip() != "...")
    text = compose(
        "from conductor.client.worker.worker import Worker",
        snippet("seed000_02.py"),
        runnable,
        run_workers_epilogue("workers", scan=False),
    )
    ids = enqueue(conductor_server, [("python_task_example", {}, None)] * 6)
    with Script(tmp_path, text, conductor_server) as script:
        tasks = wait_completed(conductor_server, ids, script)
        assert script.terminate() == 0, script.output()
    assert all(task["outputData"] == FUNCTION_OUTPUT for task in tasks)
