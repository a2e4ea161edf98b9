"""SIGTERM to a worker program: the task in flight is finished and posted, every process exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from handler_support import output, pid_alive, status

from conductor.client.testing.server import InMemoryConductorServer

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and POSIX signals"),
]

SCRIPT = Path(__file__).with_name("handler_script.py")


def _launch(
    server: InMemoryConductorServer, task_type: str, tmp_path: Path, start_method: str, mode: str
) -> tuple[subprocess.Popen[bytes], list[int], Path]:
    """Start the worker program in its own process group; wait until its workers exist."""
    pid_file = tmp_path / "pids"
    log_file = tmp_path / "out.log"
    with open(log_file, "wb") as log:
        program = subprocess.Popen(
            [sys.executable, str(SCRIPT), server.url, task_type, start_method, mode, str(pid_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        server.wait_for(pid_file.exists, timeout=30)
    except TimeoutError:
        program.kill()
        program.wait()
        raise
    return program, [int(pid) for pid in pid_file.read_text().split()], log_file


@pytest.mark.parametrize(
    ("start_method", "mode", "signum"),
    [
        ("default", "join", signal.SIGTERM),
        ("fork", "with", signal.SIGTERM),
        ("spawn", "join", signal.SIGTERM),
        ("default", "join", signal.SIGINT),
    ],
    ids=["sigterm-join", "sigterm-with-fork", "sigterm-join-spawn", "ctrl-c-join"],
)
def test_stop_signal_to_the_program_drains_the_task_in_flight(
    server: InMemoryConductorServer,
    task_type: str,
    tmp_path: Path,
    start_method: str,
    mode: str,
    signum: int,
) -> None:
    program, children, log_file = _launch(server, task_type, tmp_path, start_method, mode)
    try:
        task_id = server.enqueue_task(task_type, {"seconds": 2})
        server.wait_for(lambda: status(server, task_id) == "IN_PROGRESS", timeout=30)
        if signum == signal.SIGINT:
            os.killpg(program.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        else:
            program.send_signal(signum)
        exit_code = program.wait(timeout=40)
    finally:
        if program.poll() is None:
            program.kill()
            program.wait()
    text = log_file.read_text(errors="replace")
    assert exit_code == 0, text
    assert status(server, task_id) == "COMPLETED", text
    assert output(server, task_id)["pid"] == children[0]
    assert "main program finished" in text
    assert not [pid for pid in children if pid_alive(pid)]
    assert f"conductor-{task_type} conductor.client.automator" in text  # child lines, by name


def test_workers_do_not_outlive_a_killed_program(
    server: InMemoryConductorServer, task_type: str, tmp_path: Path
) -> None:
    program, children, _ = _launch(server, task_type, tmp_path, "default", "join")
    task_id = server.enqueue_task(task_type, {"seconds": 1})
    server.wait_for(lambda: status(server, task_id) == "IN_PROGRESS", timeout=30)

    program.kill()
    program.wait()

    server.wait_for(lambda: not [pid for pid in children if pid_alive(pid)], timeout=30)
    assert status(server, task_id) == "COMPLETED"  # the orphaned worker still drained its task
