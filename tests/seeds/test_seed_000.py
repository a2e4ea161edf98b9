"""Seed 000 (docs site "Workers (Simple Tasks)"): every Python block runs unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from seed_harness import (
    compose,
    execute_task_function_alias,
    run_until_completed,
    run_workers_epilogue,
    snippet,
    without_placeholder_line,
)

from conductor.client.testing import InMemoryConductorServer
from conductor.client.worker import worker as worker_module

pytestmark = pytest.mark.integration

FUNCTION_OUTPUT = {"worker_style": "function"}
CLASS_OUTPUT = {"worker_style": "class", "secret_number": 1234, "is_it_true": False}
ANNOTATED_OUTPUT = {"message": "python is so cool :)"}


def test_execute_task_function_type_matches_the_sdk() -> None:
    assert execute_task_function_alias("seed000_01.py") == worker_module.ExecuteTaskFunction


def test_run_workers_with_all_three_styles(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # function (02), class (03), annotated (04), then the page's main program (05): it uses
    # '<KEY_ID>' credentials, which the auth-less local server answers with 404 (no auth).
    text = compose(*(snippet(f"seed000_0{n}.py") for n in (2, 3, 4, 5)))
    specs = [
        ("python_task_example", {}, None),
        ("python_execute_example", {}, None),
        ("python_annotated_task", {}, "cool"),
    ]
    tasks = run_until_completed(conductor_server, tmp_path, text, specs)
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
    specs = [("python_task_example", {}, None)] * 6
    tasks = run_until_completed(conductor_server, tmp_path, text, specs)
    assert all(task["outputData"] == CLASS_OUTPUT for task in tasks)


def test_several_instances_of_a_function_worker(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # This block is not valid Python as printed: the `...` placeholder follows the last
    # element without a comma. Everything but that placeholder line is run unchanged.
    text = compose(
        "from conductor.client.worker.worker import Worker",
        snippet("seed000_02.py"),
        without_placeholder_line("seed000_07.py"),
        run_workers_epilogue("workers", scan=False),
    )
    specs = [("python_task_example", {}, None)] * 6
    tasks = run_until_completed(conductor_server, tmp_path, text, specs)
    assert all(task["outputData"] == FUNCTION_OUTPUT for task in tasks)
