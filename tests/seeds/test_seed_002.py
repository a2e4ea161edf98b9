"""Seed 002 (conductor-python worker guide): every Python block runs unchanged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seed_harness import (
    SNIPPETS,
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

REPO = Path(__file__).resolve().parents[2]
FUNCTION_OUTPUT = {"worker_style": "function"}
CLASS_OUTPUT = {"worker_style": "class", "secret_number": 1234, "is_it_true": False}
COOL = {"message": "python is so cool :)"}
FOUR_TASKS = [
    ("python_annotated_task_1", COOL, "cool"),
    ("python_annotated_task_2", {"message": "python is so hot :)"}, "hot"),
    ("python_annotated_task_3", {"message": "python is so nice :)"}, "nice"),
    ("python_annotated_task_4", {"message": "python is very nice :)"}, "nice"),
]
FOUR_SPECS = [(name, {}, domain) for name, _, domain in FOUR_TASKS]
FOUR_OUTPUTS = [output for _, output, _ in FOUR_TASKS]


def test_execute_task_function_type_matches_the_sdk() -> None:
    assert execute_task_function_alias("seed002_01.py") == worker_module.ExecuteTaskFunction


def test_run_workers(conductor_server: InMemoryConductorServer, tmp_path: Path) -> None:
    # The page's main program (05) calls start_processes() inside `with` and no join: the
    # block's end joins, so the workers run until SIGTERM, then stop gracefully.
    text = compose(*(snippet(f"seed002_0{n}.py") for n in (2, 3, 4, 5)))
    specs = [
        ("python_task_example", {}, None),
        ("python_execute_function_task", {}, "test"),
        ("python_annotated_task", {}, None),
    ]
    tasks = run_until_completed(conductor_server, tmp_path, text, specs)
    assert [task["outputData"] for task in tasks] == [CLASS_OUTPUT, FUNCTION_OUTPUT, COOL]


def test_task_domain(conductor_server: InMemoryConductorServer, tmp_path: Path) -> None:
    text = compose(snippet("seed002_06.py"), run_workers_epilogue(scan=True))
    tasks = run_until_completed(
        conductor_server, tmp_path, text, [("python_annotated_task", {}, "cool")]
    )
    assert tasks[0]["outputData"] == COOL


def test_worker_configuration_in_code(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    text = compose(snippet("seed002_07.py"), run_workers_epilogue(scan=True))
    tasks = run_until_completed(conductor_server, tmp_path, text, FOUR_SPECS)
    assert [task["outputData"] for task in tasks] == FOUR_OUTPUTS


def test_worker_configuration_from_worker_ini(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # The page's example worker.ini, next to the script: tasks 1 and 2 get their own
    # domains, 3 and 4 the [DEFAULT] one.
    shutil.copy(SNIPPETS / "seed002_worker.ini", tmp_path / "worker.ini")
    text = compose(snippet("seed002_08.py"), run_workers_epilogue(scan=True))
    tasks = run_until_completed(conductor_server, tmp_path, text, FOUR_SPECS)
    assert [task["outputData"] for task in tasks] == FOUR_OUTPUTS


def test_worker_configuration_from_environment(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # The page's example variables; no worker.ini.
    lines = (SNIPPETS / "seed002_env.txt").read_text().split()
    env = dict(line.split("=", 1) for line in lines)
    text = compose(snippet("seed002_08.py"), run_workers_epilogue(scan=True))
    tasks = run_until_completed(
        conductor_server,
        tmp_path,
        text,
        FOUR_SPECS,
        env=env,
    )
    assert [task["outputData"] for task in tasks] == FOUR_OUTPUTS


def test_environment_wins_over_worker_ini(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    shutil.copy(SNIPPETS / "seed002_worker.ini", tmp_path / "worker.ini")
    env = {"conductor_worker_python_annotated_task_1_domain": "warm"}
    text = compose(snippet("seed002_08.py"), run_workers_epilogue(scan=True))
    tasks = run_until_completed(
        conductor_server, tmp_path, text, [("python_annotated_task_1", {}, "warm")], env=env
    )
    assert tasks[0]["outputData"] == COOL


def test_performance_several_class_workers(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    text = compose(
        snippet("seed002_03.py"),
        snippet("seed002_09.py"),
        run_workers_epilogue("workers", scan=False),
    )
    tasks = run_until_completed(
        conductor_server, tmp_path, text, [("python_task_example", {}, None)] * 6
    )
    assert all(task["outputData"] == CLASS_OUTPUT for task in tasks)


def test_performance_several_function_workers(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # As printed, the block has a `...` placeholder after the last element without a comma,
    # which is a syntax error; everything but that placeholder line runs unchanged.
    text = compose(
        "from conductor.client.worker.worker import Worker",
        snippet("seed002_02.py"),
        without_placeholder_line("seed002_10.py"),
        run_workers_epilogue("workers", scan=False),
    )
    tasks = run_until_completed(
        conductor_server, tmp_path, text, [("python_task_example", {}, None)] * 6
    )
    assert all(task["outputData"] == FUNCTION_OUTPUT for task in tasks)


def _cxx() -> str | None:
    return shutil.which("c++") or shutil.which("g++") or shutil.which("clang++")


@pytest.mark.skipif(_cxx() is None, reason="no C++ compiler (c++, g++ or clang++) on PATH")
def test_cpp_worker(conductor_server: InMemoryConductorServer, tmp_path: Path) -> None:
    # The page's two build steps, without the macOS-only -install_name on other systems.
    compiler = str(_cxx())
    source = REPO / "examples" / "cpp" / "simple_cpp_lib.cpp"
    subprocess.run(
        [compiler, "-c", "-fPIC", str(source), "-o", "simple_cpp_lib.o"], cwd=tmp_path, check=True
    )
    link = [compiler, "-shared", "-o", "lib.so", "simple_cpp_lib.o"]
    if sys.platform == "darwin":
        link[2:2] = ["-Wl,-install_name,lib.so"]
    subprocess.run(link, cwd=tmp_path, check=True)

    # The class loads ./lib.so when it is defined, so the script runs in tmp_path.
    text = compose(
        snippet("seed002_11.py"),
        run_workers_epilogue("[SimpleCppWorker('cpp_sum_task')]", scan=False),
    )
    tasks = run_until_completed(conductor_server, tmp_path, text, [("cpp_sum_task", {}, None)])
    assert tasks[0]["outputData"] == {"sum": 3}
