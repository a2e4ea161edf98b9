"""examples/env_config.py: worker settings from environment variables."""

from __future__ import annotations

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration


def test_default_domain_of_the_demo(conductor_server: InMemoryConductorServer) -> None:
    run = run_example("env_config.py", server_url=conductor_server.url)
    assert run.returncode == 0, run.output
    assert "paint.domain = 'blue' (from env conductor_worker_domain)" in run.output
    assert "paint.polling_interval = 500.0 (from constructor)" in run.output
    assert {wf.tasks[0].domain for wf in workflows(conductor_server.url, run)} == {"blue"}


def test_task_specific_variables_win(conductor_server: InMemoryConductorServer) -> None:
    env = {
        "conductor_worker_domain": "blue",
        "CONDUCTOR_WORKER_PAINT_DOMAIN": "green",
        "conductor_worker_paint_polling_interval": "50",
        "CONDUCTOR_WORKER_ALL_THREAD_COUNT": "3",
    }
    run = run_example("env_config.py", server_url=conductor_server.url, env=env)
    assert run.returncode == 0, run.output
    assert "paint.domain = 'green' (from env CONDUCTOR_WORKER_PAINT_DOMAIN)" in run.output
    assert (
        "paint.polling_interval = 50.0 (from env conductor_worker_paint_polling_interval)"
        in run.output
    )
    assert "paint.thread_count = 3 (from env CONDUCTOR_WORKER_ALL_THREAD_COUNT)" in run.output
    done = workflows(conductor_server.url, run)
    assert [(wf.tasks[0].domain, wf.output) for wf in done] == [
        ("green", {"painted": color}) for color in ("red", "green", "blue")
    ]


def test_a_bad_value_fails_at_startup(conductor_server: InMemoryConductorServer) -> None:
    env = {"conductor_worker_paint_polling_interval": "fast"}
    run = run_example("env_config.py", server_url=conductor_server.url, env=env)
    assert run.returncode != 0
    assert "ValueError" in run.output
    assert "conductor_worker_paint_polling_interval" in run.output
    assert "'fast'" in run.output
