"""examples/main.py: the docs' three worker styles, with worker.ini next to the script."""

from __future__ import annotations

from pathlib import Path

import pytest
from example_harness import run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration


def test_three_styles_complete_with_the_domain_from_worker_ini(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    # Run from another directory: worker.ini is found next to the script. The workflows
    # route the decorated worker's task to "cool", the domain only worker.ini gives it.
    run = run_example("main.py", server_url=conductor_server.url, cwd=tmp_path)
    assert run.returncode == 0, run.output
    done = workflows(conductor_server.url, run)
    assert len(done) == 3
    for wf in done:
        assert wf.status == "COMPLETED"
        assert wf.output == {
            "class": {"worker_style": "class", "secret_number": 1234, "is_it_true": False},
            "function": {"worker_style": "function"},
            "decorated": {"message": "python is so cool :)"},
        }
        decorated = wf.tasks[2]
        assert (decorated.domain, decorated.worker_id) == ("cool", "decorated")
        assert wf.tasks[1].worker_id == "your_custom_id"
