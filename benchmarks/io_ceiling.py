"""What the I/O scenarios allow at best: 500 x 50 ms tasks, 50 at once, with a minimal client.

The ``io-threads`` and ``io-async`` scenarios of ``run.py`` measure a worker SDK against the
local server; this script measures, on the same server and with the same task count, clients
that do nothing but the protocol (a raw keep-alive socket, ``json``, no models, no retries):

- ``threads``: 50 threads, each ``time.sleep(0.05)`` then ``POST /tasks/update-v2``;
- ``asyncio``: 50 coroutines on one event loop, ``asyncio.sleep(0.05)`` then the same POST
  over ``asyncio`` streams.

Their tasks/s are the ceiling an SDK can approach in that scenario on this machine: the gap to
the ideal 1,000 is the server's and the scheduler's, not the client's.

Usage: ``python benchmarks/io_ceiling.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import threading
import time
from typing import Any, Callable
from urllib.parse import urlsplit

from processes import HERE, ServerHost, default_python

TASKS = 500
SLOTS = 50
SLEEP_S = 0.05
TASK_TYPE = "io_ceiling"
_LENGTH = re.compile(rb"content-length: *(\d+)", re.IGNORECASE)


def _request_bytes(prefix: str, method: str, path: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {prefix}{path} HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _result_body(task: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "taskId": task["taskId"],
            "workflowInstanceId": task["workflowInstanceId"],
            "status": "COMPLETED",
            "outputData": {},
            "workerId": "io-ceiling",
        }
    ).encode()


def _body_length(head: bytes) -> int:
    found = _LENGTH.search(head)
    return int(found.group(1)) if found else 0


def _threads(url: str) -> None:
    parts = urlsplit(url)

    def call(sock: socket.socket, method: str, path: str, body: bytes = b"") -> bytes:
        sock.sendall(_request_bytes(parts.path, method, path, body))
        data = b""
        while (end := data.find(b"\r\n\r\n")) < 0 or len(data) < end + 4 + _body_length(data[:end]):
            data += sock.recv(65536)
        return data[end + 4 : end + 4 + _body_length(data[:end])]

    def connect() -> socket.socket:
        sock = socket.create_connection((parts.hostname, parts.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def chain(task: dict[str, Any] | None) -> None:
        with connect() as sock:
            while task:
                time.sleep(SLEEP_S)
                reply = call(sock, "POST", "/tasks/update-v2", _result_body(task))
                task = json.loads(reply) if reply else None

    with connect() as sock:
        path = f"/tasks/poll/batch/{TASK_TYPE}?count={SLOTS}&timeout=1000&workerid=io-ceiling"
        tasks = json.loads(call(sock, "GET", path))
    chains = [threading.Thread(target=chain, args=(task,)) for task in tasks]
    for thread in chains:
        thread.start()
    for thread in chains:
        thread.join()


def _asyncio(url: str) -> None:
    parts = urlsplit(url)
    Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]

    async def call(stream: Stream, method: str, path: str, body: bytes = b"") -> bytes:
        reader, writer = stream
        writer.write(_request_bytes(parts.path, method, path, body))
        length = _body_length(await reader.readuntil(b"\r\n\r\n"))
        return await reader.readexactly(length) if length else b""

    async def chain(task: dict[str, Any] | None) -> None:
        stream = await asyncio.open_connection(parts.hostname, parts.port)
        while task:
            await asyncio.sleep(SLEEP_S)
            reply = await call(stream, "POST", "/tasks/update-v2", _result_body(task))
            task = json.loads(reply) if reply else None
        stream[1].close()
        await stream[1].wait_closed()

    async def main() -> None:
        stream = await asyncio.open_connection(parts.hostname, parts.port)
        path = f"/tasks/poll/batch/{TASK_TYPE}?count={SLOTS}&timeout=1000&workerid=io-ceiling"
        tasks = json.loads(await call(stream, "GET", path))
        stream[1].close()
        await stream[1].wait_closed()
        await asyncio.gather(*(chain(task) for task in tasks))

    asyncio.run(main())


def _measure(server: ServerHost, client: Callable[[str], None], batch: str) -> float:
    """Run ``TASKS`` tasks with ``client``; tasks/s from the server's first start to last end."""
    server.call("enqueue", batch=batch, task_type=TASK_TYPE, count=TASKS)
    client(server.url)
    summary = server.call("summary", batch=batch, task_type=TASK_TYPE)
    if summary["statuses"].get("COMPLETED") != TASKS:
        raise RuntimeError(f"{batch}: not every task completed: {summary['statuses']}")
    return TASKS / ((summary["last_end_ms"] - summary["first_start_ms"]) / 1000.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    log = HERE / ".io_ceiling_server.log"
    server = ServerHost(default_python(), log)
    try:
        for name, client in (("threads", _threads), ("asyncio", _asyncio)):
            _measure(server, client, f"{name}-warmup")
            rates = [_measure(server, client, f"{name}-{run}") for run in range(args.repeat)]
            print(
                f"{name:>8}: {statistics.median(rates):5.0f} tasks/s "
                f"(median of {args.repeat}; {min(rates):.0f}-{max(rates):.0f})"
            )
    finally:
        server.close()
        log.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
