"""Long-poll wake-ups and many concurrent pollers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from server_helpers import Api

from conductor.client.testing import InMemoryConductorServer


def _wait_until_polled(
    server: InMemoryConductorServer, api: Api, task_type: str, worker_id: str = "waiter"
) -> None:
    """Return once ``worker_id`` has polled ``task_type`` (the poller is then waiting)."""

    def polled() -> bool:
        records = api.get("/tasks/queue/polldata", params={"taskType": task_type}).json()
        return any(record.get("workerId") == worker_id for record in records)

    server.wait_for(polled, timeout=10)


def _long_poll_in_thread(
    server: InMemoryConductorServer, task_type: str
) -> tuple[threading.Thread, list[Any]]:
    """Start a 5 s long poll by worker "waiter"; its answer lands in the returned list."""
    results: list[Any] = []

    def poll() -> None:
        client = Api(server.url)
        try:
            # Read timeout below the 5 s poll timeout: only a wake-up can answer in time.
            response = client.get(
                f"/tasks/poll/batch/{task_type}",
                params={"timeout": 5000, "workerid": "waiter"},
                timeout=4,
            )
            results.append(response.json())
        finally:
            client.close()

    poller = threading.Thread(target=poll)
    poller.start()
    return poller, results


def test_long_poll_wakes_up_when_a_task_arrives(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    poller, results = _long_poll_in_thread(server, task_type)
    _wait_until_polled(server, api, task_type)

    task_id = server.enqueue_task(task_type, {"late": True})
    poller.join(10)

    assert [[task["taskId"] for task in batch] for batch in results] == [[task_id]]


def test_task_scheduled_over_http_wakes_a_waiting_poller(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    first_id = server.enqueue_task(task_type)
    first = api.poll(task_type)
    assert first is not None
    poller, results = _long_poll_in_thread(server, task_type)
    _wait_until_polled(server, api, task_type)

    api.update(first, "IN_PROGRESS")  # back to SCHEDULED with no delay: pushed to the queue
    poller.join(10)

    assert [[task["taskId"] for task in batch] for batch in results] == [[first_id]]


def test_waiting_pollers_each_get_a_different_task(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    pollers = 5

    def poll(_: int) -> list[str]:
        client = Api(server.url)
        try:
            got: list[str] = []
            while not got:
                response = client.get(
                    f"/tasks/poll/batch/{task_type}",
                    params={"timeout": 2000, "count": 1, "workerid": "pool"},
                )
                got = [task["taskId"] for task in response.json()]
            return got
        finally:
            client.close()

    with ThreadPoolExecutor(pollers) as pool:
        futures = [pool.submit(poll, i) for i in range(pollers)]
        _wait_until_polled(server, api, task_type, worker_id="pool")
        ids = {server.enqueue_task(task_type) for _ in range(pollers)}
        received = [task_id for future in futures for task_id in future.result(timeout=30)]

    assert sorted(received) == sorted(ids)


def test_concurrent_pollers_never_receive_the_same_task(
    server: InMemoryConductorServer, task_type: str
):
    total, workers = 300, 8
    ids = {server.enqueue_task(task_type, {"i": i}) for i in range(total)}

    def drain(worker: int) -> list[str]:
        client = Api(server.url)
        received: list[str] = []
        try:
            while True:
                if worker % 2:
                    batch = client.batch_poll(task_type, count=3, timeout=50, workerid=str(worker))
                else:
                    one = client.poll(task_type, workerid=str(worker))
                    batch = [one] if one else []
                if not batch:
                    return received
                for task in batch:
                    received.append(task["taskId"])
                    assert client.update(task, "COMPLETED").status_code == 200
        finally:
            client.close()

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(drain, range(workers)))

    received = [task_id for batch in results for task_id in batch]
    assert len(received) == len(set(received))
    assert set(received) == ids
    assert all(task["status"] == "COMPLETED" for task in server.tasks_by_type(task_type))


def test_helpers_are_thread_safe_while_serving(
    api: Api, server: InMemoryConductorServer, task_type: str
):
    per_thread, threads = 50, 4

    def enqueue(_: int) -> list[str]:
        return [server.enqueue_task(task_type) for _ in range(per_thread)]

    with ThreadPoolExecutor(threads + 1) as pool:
        enqueued = pool.map(enqueue, range(threads))
        polled: list[str] = []
        while len(polled) < per_thread * threads:
            polled += [t["taskId"] for t in api.batch_poll(task_type, count=20, timeout=500)]
        all_ids = {task_id for batch in enqueued for task_id in batch}

    assert sorted(polled) == sorted(all_ids)
