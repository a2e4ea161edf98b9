"""examples/domains.py: one task type, two workers in different domains."""

from __future__ import annotations

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration


def test_each_domain_is_served_by_its_worker(conductor_server: InMemoryConductorServer) -> None:
    run = run_example("domains.py", server_url=conductor_server.url)
    assert run.returncode == 0, run.output
    done = workflows(conductor_server.url, run)
    routed = [(wf.tasks[0].domain, wf.output["warehouse"]) for wf in done]
    assert routed == [("eu", "Rotterdam")] * 2 + [("us", "Memphis")] * 2
