"""The two subprocesses of a scenario: the server host and the worker application."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from measure import descendants

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "src"
_START_TIMEOUT_S = 60.0


class _Lines:
    """Reads a pipe on a thread, so the harness can wait for a line with a timeout."""

    def __init__(self, stream: IO[str], name: str) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._name = name
        thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def json(self, timeout: float) -> dict[str, Any]:
        """The next line that is a JSON object (other output is skipped)."""
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"no answer from the {self._name} in {timeout:.0f}s") from None
            if line is None:
                raise RuntimeError(f"the {self._name} exited")
            if line.startswith("{"):
                reply: dict[str, Any] = json.loads(line)
                return reply


def _child_env(python_path: Path | None = None) -> dict[str, str]:
    """The environment without settings that would change which package or server is used."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "PYTHONPATH" and not key.upper().startswith("CONDUCTOR_")
    }
    if python_path is not None:
        env["PYTHONPATH"] = str(python_path)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class ServerHost:
    """``server_host.py`` in its own process, driven over its stdin/stdout."""

    def __init__(self, python: str, log_path: Path) -> None:
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in close()
        self._process = subprocess.Popen(
            [python, str(HERE / "server_host.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            env=_child_env(SOURCE),  # the server is always this repository's
        )
        assert self._process.stdout is not None
        self.pid = self._process.pid
        self._lines = _Lines(self._process.stdout, f"server host (log: {log_path})")
        try:
            self.url: str = self._lines.json(_START_TIMEOUT_S)["url"]
        except BaseException:
            self.close()
            raise

    def call(self, op: str, wait_s: float = 120.0, **arguments: Any) -> dict[str, Any]:
        """Run one command in the server process; wait up to ``wait_s`` for its answer."""
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        stdin.flush()
        reply = self._lines.json(wait_s)
        if "error" in reply:
            raise RuntimeError(f"server host: {op} failed: {reply['error']}")
        return reply

    def close(self) -> None:
        """Stop the server process."""
        try:
            if self._process.poll() is None and self._process.stdin is not None:
                self._process.stdin.write('{"op": "quit"}\n')
                self._process.stdin.close()
            self._process.wait(15)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait(5)
        finally:
            self._log.close()


class WorkerApp:
    """``worker_main.py`` under the interpreter being measured."""

    def __init__(
        self,
        python: str,
        url: str,
        log_path: Path,
        *,
        function: str,
        task_type: str,
        processes: int = 1,
        threads: int = 1,
    ) -> None:
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in close()
        command = [
            python,
            str(HERE / "worker_main.py"),
            f"--url={url}",
            f"--function={function}",
            f"--task-type={task_type}",
            f"--processes={processes}",
            f"--threads={threads}",
        ]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            cwd=str(HERE),
            env=_child_env(),
        )
        assert self._process.stdout is not None
        self._lines = _Lines(self._process.stdout, f"worker application (log: {log_path})")
        self.pid: int = self._process.pid
        try:
            self.info = self._lines.json(_START_TIMEOUT_S)
        except BaseException:
            self.kill()
            self._log.close()
            raise

    def stop(self, timeout: float = 90.0) -> float:
        """Ask for ``stop_processes()``; return how long it took, as the application measured."""
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write("stop\n")
        stdin.flush()
        seconds = float(self._lines.json(timeout)["seconds"])
        self._process.wait(timeout)
        return seconds

    def close(self) -> None:
        """Make sure the application and its children are gone."""
        if self._process.poll() is None:
            try:
                self.stop(timeout=60.0)
            except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
                self.kill()
        self._log.close()

    def kill(self) -> None:
        """SIGKILL the application and every process it started."""
        for pid in reversed(descendants(self.pid)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self._process.wait(10)


def python_label(info: dict[str, Any]) -> str:
    """``this SDK 1.1.10`` or ``conductor-python 2.0.0``, from the application's start line."""
    ours = str(Path(info["location"]).resolve()).startswith(str(HERE.parent.resolve()))
    name = "this SDK" if ours else "conductor-python"
    return f"{name} {info['version']} (py {info['python']})"


def default_python() -> str:
    """The interpreter running the harness."""
    return sys.executable
