"""Run the seed documents' Python snippets, unchanged, as scripts against the local server.

The snippets are stored verbatim in ``snippets/`` (one file per code block). A test composes a
script from one or more snippets, sometimes with harness code before or after them (never
inside), writes it to a temporary directory and runs it with ``sys.executable``.

Several snippets hard-code ``http://localhost:8080/api``. The harness module
``seed_redirect`` (imported by the first line of every composed script) points a
``Configuration`` built for exactly that URL at the local test server instead; the snippet text
itself is not edited.
"""

from __future__ import annotations

import ast
import contextlib
import os
import signal
import subprocess
import sys
import time
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from conductor.client.http.models import Task, TaskResult
from conductor.client.testing import InMemoryConductorServer

HERE = Path(__file__).resolve().parent
SNIPPETS = HERE / "snippets"

PRELUDE = "import seed_redirect  # test harness: localhost:8080 -> the local test server\n"


def snippet(name: str) -> str:
    """The verbatim text of one stored snippet."""
    return (SNIPPETS / name).read_text()


def without_placeholder_line(name: str) -> str:
    """A snippet that is not valid Python as printed, minus its one ``...`` placeholder line.

    Checks that the block as printed really is a syntax error and that it has exactly one such
    line; every other line is kept unchanged.
    """
    block = snippet(name)
    with pytest.raises(SyntaxError):
        ast.parse(block)
    lines = block.splitlines(keepends=True)
    assert [line.strip() for line in lines].count("...") == 1, name
    return "".join(line for line in lines if line.strip() != "...")


def execute_task_function_alias(name: str) -> object:
    """``ExecuteTaskFunction`` as defined by a snippet that is a bare type expression.

    The block needs the names its page imports elsewhere; they are supplied here.
    """
    namespace: dict[str, object] = {
        "Callable": typing.Callable,
        "Union": typing.Union,
        "Task": Task,
        "TaskResult": TaskResult,
    }
    exec(compile(snippet(name), name, "exec"), namespace)
    return namespace["ExecuteTaskFunction"]


def run_workers_epilogue(
    workers: str = "[]", *, scan: bool, handler: str = "TaskHandler", extra: str = ""
) -> str:
    """Harness code appended after the snippets: run ``workers`` until SIGTERM.

    Args:
        workers: A Python expression evaluated in the script, e.g. ``"workers"`` (a list the
            snippets defined) or ``"[SimplePythonWorker('x')]"``.
        scan: Value of ``scan_for_annotated_workers``.
        handler: ``"TaskHandler"`` or ``"WorkerHost"`` (swift-conductor name).
        extra: More constructor keyword arguments, e.g. ``"import_modules=['greetings']"``.
    """
    module = {
        "TaskHandler": "conductor.client.automator.task_handler",
        "WorkerHost": "swift_conductor.automation.worker_host",
    }[handler]
    return f"""

# --- test harness: run the workers defined above until SIGTERM ---------------------------
if __name__ == "__main__":
    from {module} import {handler} as _Handler
    from conductor.client.configuration.configuration import Configuration as _Configuration

    print("harness: snippets done, running workers", flush=True)
    _workers = [_w for _w in {workers} if _w is not Ellipsis]
    with _Handler(
        _workers, _Configuration(), scan_for_annotated_workers={scan}, {extra}
    ) as _handler:
        _handler.start_processes()
        _handler.join_processes()
    print("harness: workers stopped", flush=True)
"""


def compose(*parts: str) -> str:
    """The composed script: the redirect prelude, then the parts in order."""
    return PRELUDE + "\n".join(part if part.endswith("\n") else part + "\n" for part in parts)


class Script:
    """A composed script running as a subprocess in its own session (process group)."""

    def __init__(
        self,
        directory: Path,
        text: str,
        server: InMemoryConductorServer,
        env: Mapping[str, str] | None = None,
        name: str = "main.py",
    ) -> None:
        self.path = directory / name
        self.path.write_text(text)
        self.log_path = directory / (name + ".log")
        environment = dict(os.environ)
        environment.update(
            CONDUCTOR_SERVER_URL=server.url,
            SEED_TEST_SERVER_URL=server.url,
            PYTHONPATH=os.pathsep.join([str(HERE), environment.get("PYTHONPATH", "")]),
            PYTHONUNBUFFERED="1",
        )
        environment.update(env or {})
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(self.path)],
            cwd=directory,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for the script to exit by itself; return its exit code."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.path.name} still running after {timeout} s; output:\n{self.output()}"
            ) from None

    def terminate(self, timeout: float = 30.0) -> int:
        """Send SIGTERM to the script (not its children) and wait for it to exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def close(self) -> None:
        """Kill whatever is left of the script's process group, and close the log."""
        # Normally the whole group has exited already (ProcessLookupError).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        self._log.close()

    def __enter__(self) -> Script:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def enqueue(
    server: InMemoryConductorServer, specs: Iterable[tuple[str, dict[str, Any], str | None]]
) -> list[str]:
    """Enqueue one task per ``(task_type, input, domain)``; return the task ids."""
    return [server.enqueue_task(name, data, domain=domain) for name, data, domain in specs]


def wait_completed(
    server: InMemoryConductorServer, task_ids: Iterable[str], script: Script, timeout: float = 30
) -> list[dict[str, Any]]:
    """Wait until every task is COMPLETED; return them. Fails fast if the script exits."""
    ids = list(task_ids)
    deadline = time.monotonic() + timeout
    while True:
        tasks = [server.get_task(task_id) for task_id in ids]
        if all(task["status"] == "COMPLETED" for task in tasks):
            return tasks
        exited = script.process.poll()
        if exited is not None or time.monotonic() > deadline:
            states = {task["taskType"]: task["status"] for task in tasks}
            why = f"exited with {exited}" if exited is not None else f"timed out after {timeout} s"
            raise AssertionError(
                f"tasks not completed ({states}); script {why}; output:\n{script.output()}"
            )
        time.sleep(0.05)


def run_until_completed(
    server: InMemoryConductorServer,
    directory: Path,
    text: str,
    specs: Iterable[tuple[str, dict[str, Any], str | None]],
    env: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Enqueue ``specs``, run ``text`` until they are COMPLETED, then SIGTERM it.

    Asserts that the script then exits with 0. Returns the tasks in the order of ``specs``.
    """
    ids = enqueue(server, specs)
    with Script(directory, text, server, env=env) as script:
        tasks = wait_completed(server, ids, script)
        assert script.terminate() == 0, script.output()
    return tasks
