"""Throughput ceiling of the in-memory Conductor server (requests per second on loopback).

Starts ``python -m conductor.client.testing --port 0`` in its own process, registers a one-task
workflow, then measures three phases with keep-alive ``http.client`` connections spread over
client processes (so clients and server do not share a GIL):

1. start:     ``POST /workflow/{name}`` (each schedules one task)
2. poll+v1:   ``GET /tasks/poll/batch/{type}?count=1`` then ``POST /tasks`` (classic loop)
3. poll+v2:   one batch poll, then ``POST /tasks/update-v2`` chains (modern loop)

Usage:
    python benchmarks/server_ceiling.py [--tasks 20000] [--processes 2] [--connections 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import re
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit

TASK_TYPE = "bench_task"
WORKFLOW = "bench_workflow"


class Client:
    """One keep-alive connection speaking JSON."""

    def __init__(self, host: str, port: int, prefix: str) -> None:
        self._conn = http.client.HTTPConnection(host, port, timeout=30)
        self._prefix = prefix

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self._conn.request(method, self._prefix + path, payload, headers)
        response = self._conn.getresponse()
        return response.status, response.read()


def _start_loop(client: Client, count: int) -> int:
    for _ in range(count):
        status, _ = client.call("POST", f"/workflow/{WORKFLOW}", {"n": 1})
        assert status == 200, status
    return count


def _result(task: dict[str, Any]) -> dict[str, Any]:
    return {
        "taskId": task["taskId"],
        "workflowInstanceId": task["workflowInstanceId"],
        "workerId": "bench",
        "status": "COMPLETED",
        "outputData": {"ok": True},
    }


def _v1_loop(client: Client, _: int) -> int:
    requests = 0
    while True:
        status, body = client.call("GET", f"/tasks/poll/batch/{TASK_TYPE}?workerid=bench&count=1")
        requests += 1
        tasks = json.loads(body) if status == 200 else []
        if not tasks:
            return requests
        status, _body = client.call("POST", "/tasks", _result(tasks[0]))
        requests += 1
        assert status == 200, status


def _v2_loop(client: Client, _: int) -> int:
    requests = 0
    while True:
        status, body = client.call("GET", f"/tasks/poll/batch/{TASK_TYPE}?workerid=bench&count=1")
        requests += 1
        tasks = json.loads(body) if status == 200 else []
        if not tasks:
            return requests
        task: dict[str, Any] | None = tasks[0]
        while task is not None:
            status, body = client.call("POST", "/tasks/update-v2", _result(task))
            requests += 1
            task = json.loads(body) if status == 200 else None


_LOOPS = {"start": _start_loop, "v1": _v1_loop, "v2": _v2_loop}


def _process(
    url: str, phase: str, connections: int, per_connection: int, ready: Any, go: Any, out: Any
) -> None:
    parts = urlsplit(url)
    clients = [
        Client(parts.hostname or "", parts.port or 0, parts.path) for _ in range(connections)
    ]
    totals = [0] * connections

    def run(index: int) -> None:
        totals[index] = _LOOPS[phase](clients[index], per_connection)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    ready.put(None)
    go.wait()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(sum(totals))


def _phase(url: str, phase: str, processes: int, connections: int, tasks: int) -> float:
    """Run one phase; returns requests per second (timed from when every client is ready)."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    per_connection = tasks // (processes * connections)
    procs = [
        ctx.Process(target=_process, args=(url, phase, connections, per_connection, ready, go, out))
        for _ in range(processes)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get()
    started = time.perf_counter()
    go.set()
    total = sum(int(out.get()) for _ in procs)
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
    rate = total / elapsed
    print(f"{phase:>6}: {total:7d} requests in {elapsed:6.2f}s = {rate:8.0f} req/s", flush=True)
    return rate


def _setup(url: str) -> None:
    parts = urlsplit(url)
    client = Client(parts.hostname or "", parts.port or 0, parts.path)
    task_def = {"name": TASK_TYPE, "retryCount": 0, "responseTimeoutSeconds": 600}
    assert client.call("POST", "/metadata/taskdefs", [task_def])[0] == 200
    definition = {
        "name": WORKFLOW,
        "version": 1,
        "tasks": [{"name": TASK_TYPE, "taskReferenceName": "t1", "type": "SIMPLE"}],
    }
    assert client.call("POST", "/metadata/workflow?overwrite=true", definition)[0] == 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--connections", type=int, default=4, help="connections per process")
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "conductor.client.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        match = re.search(r"(http://\S+/api)", server.stdout.readline())
        assert match, "server did not print its URL"
        url = match.group(1)
        print(f"server {url}; {args.processes} client processes x {args.connections} connections")
        _setup(url)
        for phase in ("start", "v1", "start", "v2"):
            _phase(url, phase, args.processes, args.connections, args.tasks)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
