"""When a worker last polled a task queue (one record per task type and domain)."""

from __future__ import annotations

from typing import ClassVar

from conductor.client.http.models._base import Model


class PollData(Model):
    """When a worker last polled a task queue (one record per task type and domain)."""

    swagger_types: ClassVar[dict[str, str]] = {
        "queue_name": "str",
        "domain": "str",
        "worker_id": "str",
        "last_poll_time": "int",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "queue_name": "queueName",
        "domain": "domain",
        "worker_id": "workerId",
        "last_poll_time": "lastPollTime",
    }

    queue_name: str | None
    domain: str | None
    worker_id: str | None
    last_poll_time: int | None

    def __init__(
        self,
        queue_name: str | None = None,
        domain: str | None = None,
        worker_id: str | None = None,
        last_poll_time: int | None = None,
    ) -> None:
        self._init_fields(locals())
