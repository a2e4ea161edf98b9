"""A worker program, as users write it, for tests that signal the main process.

Usage: python handler_script.py SERVER_URL TASK_TYPE START_METHOD MODE PID_FILE
MODE is "join" (start + join) or "with" (``with TaskHandler(...) as h: h.start_processes()``).
"""

from __future__ import annotations

import logging
import sys

import handler_workers

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker import Worker


def main(url: str, task_type: str, start_method: str, mode: str, pid_file: str) -> None:
    if start_method != "default":
        from multiprocessing import set_start_method

        set_start_method(start_method)  # after importing TaskHandler, as seed 000 does
    logging.basicConfig(level=logging.INFO, format="%(processName)s %(name)s %(message)s")
    handler = TaskHandler(
        [
            Worker(task_type, handler_workers.sleepy),
            Worker(f"{task_type}_idle", handler_workers.whoami),
        ],
        Configuration(server_api_url=url),
        scan_for_annotated_workers=False,
    )
    if mode == "with":
        with handler as running:
            running.start_processes()
            _write_pids(running, pid_file)
    else:
        handler.start_processes()
        _write_pids(handler, pid_file)
        handler.join_processes()
    print("main program finished", flush=True)


def _write_pids(handler: TaskHandler, pid_file: str) -> None:
    pids = " ".join(str(p.pid) for p in handler.task_runner_processes)
    with open(pid_file + ".tmp", "w", encoding="ascii") as fh:
        fh.write(pids)
    import os

    os.replace(pid_file + ".tmp", pid_file)


if __name__ == "__main__":
    main(*sys.argv[1:6])
