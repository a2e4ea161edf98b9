"""Seed 004 (conductor-python "Writing Workers"): every Python block runs unchanged."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from seed_harness import Script, compose, enqueue, run_workers_epilogue, snippet, wait_completed

from conductor.client.testing import InMemoryConductorServer

ORDER = {"order_id": 7, "sku": "sku-1", "quantity": 2, "sku_price": 9.5}


@pytest.mark.integration
def test_workers_and_task_handler_main(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # 01 is the module `greetings` that 03 names in import_modules; 02 defines process_order
    # in the main script. 03's main() starts the handler and stops it right away: it must
    # return cleanly. The harness then runs the same handler until SIGTERM.
    (tmp_path / "greetings.py").write_text(snippet("seed004_01.py"))
    text = compose(
        snippet("seed004_02.py"),
        snippet("seed004_03.py"),
        run_workers_epilogue(scan=True, extra="import_modules=['greetings']"),
    )
    ids = enqueue(
        conductor_server,
        [("greetings", {"name": "Ada"}, None), ("process_order", {"order_info": ORDER}, None)],
    )
    with Script(tmp_path, text, conductor_server) as script:
        tasks = wait_completed(conductor_server, ids, script)
        assert script.terminate() == 0, script.output()
    assert "harness: snippets done" in script.output()
    assert [task["outputData"] for task in tasks] == [
        {"result": "Hello, Ada"},
        {"result": "order: 7"},
    ]


def _run(name: str) -> tuple[dict[str, Any], Any]:
    """Exec a snippet; return its namespace and the value of a trailing bare expression."""
    tree = ast.parse(snippet(name))
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
    namespace: dict[str, Any] = {}
    exec(compile(body, name, "exec"), namespace)
    value = eval(compile(ast.Expression(last.value), name, "eval"), namespace) if last else None
    return namespace, value


def test_wait_tasks() -> None:
    namespace, _ = _run("seed004_04.py")
    two_seconds = namespace["wait_for_two_sec"].to_workflow_task()
    until_jan = namespace["wait_till_jan"].to_workflow_task()
    signal = namespace["wait_for_signal"].to_workflow_task()
    assert {two_seconds.type, until_jan.type, signal.type} == {"WAIT"}
    assert two_seconds.input_parameters == {"duration": "2s"}
    assert until_jan.input_parameters == {"until": "2024-01-31 00:00 UTC"}
    assert signal.task_reference_name == "wait_till_jan_end"
    assert not signal.input_parameters


def test_http_task() -> None:
    _, task = _run("seed004_05.py")
    workflow_task = task.to_workflow_task()
    assert workflow_task.type == "HTTP"
    request = workflow_task.input_parameters["http_request"]
    assert request["uri"] == "https://orkes-api-tester.orkesconductor.com/api"
    assert request["method"] == "GET"


def test_javascript_task() -> None:
    namespace, _ = _run("seed004_06.py")
    workflow_task = namespace["js"].to_workflow_task()
    assert workflow_task.type == "INLINE"
    assert workflow_task.input_parameters["evaluatorType"] == "graaljs"
    assert workflow_task.input_parameters["expression"] == namespace["say_hello_js"]
    assert workflow_task.input_parameters["name"] == "${workflow.input.name}"


def test_json_jq_task() -> None:
    namespace, _ = _run("seed004_07.py")
    workflow_task = namespace["jq"].to_workflow_task()
    assert workflow_task.type == "JSON_JQ_TRANSFORM"
    assert workflow_task.input_parameters == {"queryExpression": namespace["jq_script"]}
