"""Client CPU per HTTP request for the transports a worker could use, against the local server.

Compares, for the same empty batch poll (``GET /tasks/poll/batch/T?count=1&timeout=0``):

- ``sdk``: ``TaskResourceApi.batch_poll`` (this SDK's full stack: models, ApiClient, requests);
- ``requests``: a plain ``requests.Session.request``;
- ``urllib3``: an ``urllib3.HTTPConnectionPool.urlopen`` (what requests sends through);
- ``http.client``: one keep-alive ``http.client.HTTPConnection``.

The server runs in its own process; the numbers are the client process's CPU (user+system)
divided by the number of requests, so they show what each layer costs a worker per request.

Usage: ``python benchmarks/transport_overhead.py [--requests 5000]``
"""

from __future__ import annotations

import argparse
import http.client
import time
from typing import Callable
from urllib.parse import urlsplit

import requests
import urllib3
from processes import HERE, ServerHost, default_python

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api_client import ApiClient

TASK_TYPE = "transport_probe"


def _clients(url: str) -> dict[str, Callable[[], object]]:
    parts = urlsplit(url)
    path = f"{parts.path}/tasks/poll/batch/{TASK_TYPE}"
    query = {"workerid": "bench", "count": 1, "timeout": 0}
    full = f"{url}/tasks/poll/batch/{TASK_TYPE}"
    headers = {"Accept": "application/json", "Content-Type": "application/json"}

    configuration = Configuration(server_api_url=url)
    api = TaskResourceApi(ApiClient(configuration))
    session = requests.Session()
    pool = urllib3.HTTPConnectionPool(parts.hostname or "", parts.port or 0, maxsize=1)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port or 0)
    encoded = "workerid=bench&count=1&timeout=0"

    def raw() -> object:
        connection.request("GET", f"{path}?{encoded}", headers=headers)
        return connection.getresponse().read()

    return {
        "sdk": lambda: api.batch_poll(TASK_TYPE, workerid="bench", count=1, timeout=0),
        "requests": lambda: (
            session.request("GET", full, params=query, headers=headers, timeout=(10, 10)).content
        ),
        "urllib3": lambda: (
            pool.urlopen(
                "GET", f"{path}?{encoded}", headers=headers, retries=False, timeout=10
            ).data
        ),
        "http.client": raw,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    server = ServerHost(default_python(), HERE / ".transport_overhead_server.log")
    try:
        for name, call in _clients(server.url).items():
            for _ in range(200):  # warm up connections and caches
                call()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.requests):
                call()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(
                f"{name:>12}: {cpu * 1e6 / args.requests:6.0f} us CPU/request, "
                f"{args.requests / wall:6.0f} requests/s (one connection, sequential)"
            )
    finally:
        server.close()
        (HERE / ".transport_overhead_server.log").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
