"""Run an example script as a subprocess, the way a user would, and read what it printed."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.models import Workflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_WORKFLOW_LINE = re.compile(r"^  (\S+) (\w+): ", re.MULTILINE)


@dataclass
class Run:
    returncode: int
    output: str

    def workflow_ids(self) -> list[str]:
        """Ids of the workflows the example reported, in order."""
        return [match.group(1) for match in _WORKFLOW_LINE.finditer(self.output)]


def run_example(
    script: str,
    *args: str,
    server_url: str | None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Run:
    """Run ``examples/<script>`` to completion; kill its process group if it overruns.

    With ``server_url`` None, ``CONDUCTOR_SERVER_URL`` is unset and the example starts its
    embedded server.
    """
    environment = {k: v for k, v in os.environ.items() if k != "CONDUCTOR_SERVER_URL"}
    if server_url is not None:
        environment["CONDUCTOR_SERVER_URL"] = server_url
    environment.update(env or {}, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd or EXAMPLES,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        output, _ = process.communicate()
        raise AssertionError(f"{script} still running after {timeout} s:\n{output}") from None
    leftover = _group_alive_after(process, 10.0)
    _kill_group(process)
    assert not leftover, f"{script} exited but left processes of its group running:\n{output}"
    return Run(process.returncode, output)


def _group_alive_after(process: subprocess.Popen[Any], timeout: float) -> bool:
    """Whether some process of the example's group is still alive ``timeout`` s after exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.05)
    return True


def _kill_group(process: subprocess.Popen[Any]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def workflows(server_url: str, run: Run) -> list[Workflow]:
    """The reported workflows as the server has them, with their tasks."""
    executor = WorkflowExecutor(Configuration(server_api_url=server_url))
    return [executor.get_workflow(wf_id, include_tasks=True) for wf_id in run.workflow_ids()]
