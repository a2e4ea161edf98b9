"""README.md: its Python examples run as printed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[2] / "README.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)


def _start(script: Path, server_url: str | None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "CONDUCTOR_SERVER_URL"}
    if server_url:
        env["CONDUCTOR_SERVER_URL"] = server_url
    return subprocess.Popen(
        [sys.executable, str(script)],
        cwd=script.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_usage_runs_the_decorated_worker(
    conductor_server: InMemoryConductorServer, tmp_path: Path
) -> None:
    usage = _blocks()[0]
    (tmp_path / "greet_app.py").write_text(usage)
    task_id = conductor_server.enqueue_task("greet", {"name": "Ada"})
    process = _start(tmp_path / "greet_app.py", conductor_server.url)
    try:
        conductor_server.wait_for(
            lambda: conductor_server.get_task(task_id)["status"] == "COMPLETED", timeout=30
        )
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 0, output
    assert conductor_server.get_task(task_id)["outputData"] == {"greeting": "Hello, Ada!"}


def test_local_server_example(tmp_path: Path) -> None:
    usage, local_server = _blocks()[:2]
    (tmp_path / "greet_app.py").write_text(usage)
    script = tmp_path / "local_server.py"
    script.write_text("from greet_app import greet  # the Usage section's worker\n" + local_server)
    process = _start(script, None)
    try:
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 0, output
    assert "{'greeting': 'Hello, Ada!'}" in output
