"""examples/quickstart.py: the README's first command."""

from __future__ import annotations

import re

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration


def test_runs_to_completion_on_its_embedded_server() -> None:
    run = run_example("quickstart.py", server_url=None)
    assert run.returncode == 0, run.output
    assert "Started a local Conductor server at http://127.0.0.1:" in run.output
    assert re.search(r"progress: 15/15 tasks completed, [\d.]+ tasks/s", run.output), run.output
    assert "Hello, Ada Lovelace!" in run.output
    assert re.search(r"^OK: 5 workflows, 15 tasks completed in", run.output, re.MULTILINE)


def test_uses_the_server_named_by_conductor_server_url(
    conductor_server: InMemoryConductorServer,
) -> None:
    run = run_example("quickstart.py", "--workflows", "3", server_url=conductor_server.url)
    assert run.returncode == 0, run.output
    assert f"Using the Conductor server at {conductor_server.url}" in run.output
    done = workflows(conductor_server.url, run)
    assert [wf.status for wf in done] == ["COMPLETED"] * 3
    assert [wf.output for wf in done] == [
        {"greeting": "Hello, Ada Lovelace!", "letters": 16},
        {"greeting": "Hello, Alan Turing!", "letters": 15},
        {"greeting": "Hello, Grace Hopper!", "letters": 16},
    ]
    # One worker of each style did its task in every workflow.
    task_types = [[task.task_def_name for task in wf.tasks] for wf in done]
    assert (
        task_types
        == [["quickstart_normalize_name", "quickstart_greet", "quickstart_count_letters"]] * 3
    )


def test_times_out_with_a_clear_message(conductor_server: InMemoryConductorServer) -> None:
    # Paused workers never poll, so the workflows cannot finish.
    run = run_example(
        "quickstart.py",
        "--workflows",
        "2",
        "--timeout",
        "1",
        server_url=conductor_server.url,
        env={"conductor_worker_paused": "true"},
    )
    assert run.returncode == 2, run.output
    assert "TIMEOUT: 2 of 2 workflows still running after 1 s" in run.output


def test_fails_with_a_clear_message_when_the_server_is_unreachable(
    conductor_server: InMemoryConductorServer,
) -> None:
    conductor_server.pause()  # connections refused
    run = run_example("quickstart.py", server_url=conductor_server.url)
    assert run.returncode == 1, run.output
    assert "ERROR: the Conductor server did not answer as expected" in run.output
    assert "Connection refused" in run.output
