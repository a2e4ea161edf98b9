"""A worker application for one benchmark scenario, written against the public API only.

Run by ``run.py`` with the interpreter under test (whichever ``conductor`` package it has)::

    python benchmarks/worker_main.py --url URL --function noop --task-type T \
        [--processes N] [--threads N]

It starts a ``TaskHandler`` with ``--processes`` workers of ``--task-type``, prints one JSON line
``{"event": "started", ...}``, and on ``stop`` (or end of input) calls ``stop_processes()`` and
prints ``{"event": "stopped", "seconds": ...}``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time


def _package() -> dict[str, str]:
    try:
        from importlib.metadata import version

        release = version("conductor-python")
    except Exception:  # a source checkout without metadata still runs
        release = "unknown"
    import conductor

    location = os.path.dirname(os.path.abspath(next(iter(conductor.__path__))))
    return {"version": release, "location": location, "python": sys.version.split()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--function", required=True)
    parser.add_argument("--task-type", required=True)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(process)d %(message)s")

    from bench_workers import FUNCTIONS

    from conductor.client.automator.task_handler import TaskHandler
    from conductor.client.configuration.configuration import Configuration
    from conductor.client.worker.worker import Worker

    function = FUNCTIONS[args.function]
    workers = [
        Worker(args.task_type, function, thread_count=args.threads) for _ in range(args.processes)
    ]
    handler = TaskHandler(
        workers=workers,
        configuration=Configuration(server_api_url=args.url),
        scan_for_annotated_workers=False,
    )
    handler.start_processes()
    print(json.dumps({"event": "started", "pid": os.getpid(), **_package()}), flush=True)
    for line in sys.stdin:
        if line.strip() == "stop":
            break
    started = time.perf_counter()
    handler.stop_processes()
    print(json.dumps({"event": "stopped", "seconds": time.perf_counter() - started}), flush=True)


if __name__ == "__main__":
    main()
