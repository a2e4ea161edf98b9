"""examples/workflow_dsl.py runs end to end, as a user would run it."""

from __future__ import annotations

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration

EXPECTED_OUTPUT = "{'greeting': 'Hello, Grace Hopper! Welcome back.', 'letters': 27}"


def test_workflow_dsl_example_against_a_running_server(
    conductor_server: InMemoryConductorServer,
) -> None:
    run = run_example(
        "workflow_dsl.py", "--user-id", "grace.hopper", server_url=conductor_server.url
    )
    assert run.returncode == 0, run.output
    assert "Registered workflow 'dsl_greetings' version 1" in run.output
    assert f"COMPLETED: {EXPECTED_OUTPUT}" in run.output

    (workflow,) = workflows(conductor_server.url, run)
    assert workflow.status == "COMPLETED"
    assert workflow.workflow_name == "dsl_greetings"
    assert workflow.input == {"user_id": "grace.hopper"}
    assert workflow.output == {"greeting": "Hello, Grace Hopper! Welcome back.", "letters": 27}
    tasks = workflow.tasks or []
    assert [(task.reference_task_name, task.status) for task in tasks] == [
        ("get_user_ref", "COMPLETED"),
        ("greet_ref", "COMPLETED"),
        ("count_ref", "COMPLETED"),
    ]
    assert tasks[1].input_data == {"name": "Grace Hopper", "vip": True}


def test_workflow_dsl_example_with_its_embedded_server() -> None:
    run = run_example("workflow_dsl.py", server_url=None)
    assert run.returncode == 0, run.output
    assert "Started a local Conductor server at http://127.0.0.1:" in run.output
    assert "COMPLETED: {'greeting': 'Hello, Ada Lovelace! Welcome back.', 'letters': 27}" in (
        run.output
    )
