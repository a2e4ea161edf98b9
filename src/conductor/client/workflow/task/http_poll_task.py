"""HTTP_POLL tasks: the server calls an endpoint repeatedly until a condition holds."""

from __future__ import annotations

from typing import Any, ClassVar

from conductor.client.workflow.task.http_task import HttpInput, HttpMethod
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class HttpPollInput(HttpInput):
    """The ``http_request`` input of an HTTP_POLL task: an HTTP request plus when to stop."""

    swagger_types: ClassVar[dict[str, str]] = {
        **HttpInput.swagger_types,
        "_termination_condition": "str",
        "_polling_interval": "int",
        "_max_poll_count": "int",
        "_polling_strategy": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        **HttpInput.attribute_map,
        "_termination_condition": "terminationCondition",
        "_polling_interval": "pollingInterval",
        "_max_poll_count": "maxPollCount",
        "_polling_strategy": "pollingStrategy",
    }

    def __init__(
        self,
        termination_condition: str | None = None,
        max_poll_count: int = 100,
        polling_interval: int = 100,
        polling_strategy: str = "FIXED",
        method: HttpMethod = HttpMethod.GET,
        uri: str | None = None,
        headers: dict[str, list[str]] | None = None,
        accept: str | None = None,
        content_type: str | None = None,
        connection_time_out: int | None = None,
        read_timeout: int | None = None,
        body: Any = None,
    ) -> None:
        """Describe the polled request.

        Args:
            termination_condition: JavaScript evaluated on each response; polling stops when
                it is true.
            max_poll_count: Give up after this many calls.
            polling_interval: Seconds between calls.
            polling_strategy: ``FIXED`` or ``LINEAR_BACKOFF``.
            method: The HTTP method.
            uri: The URL to call.
            headers: Request headers, each name mapped to its values.
            accept: The ``Accept`` media type.
            content_type: The ``Content-Type`` of the body.
            connection_time_out: Connect timeout in milliseconds.
            read_timeout: Read timeout in milliseconds.
            body: The request body (JSON-serialisable).
        """
        super().__init__(
            method, uri, headers, accept, content_type, connection_time_out, read_timeout, body
        )
        self._termination_condition = termination_condition
        self._max_poll_count = max_poll_count
        self._polling_interval = polling_interval
        self._polling_strategy = polling_strategy


class HttpPollTask(TaskInterface):
    """Call an HTTP endpoint from the server until ``terminationCondition`` is true."""

    def __init__(self, task_ref_name: str, http_input: HttpPollInput) -> None:
        super().__init__(
            task_reference_name=task_ref_name,
            task_type=TaskType.HTTP_POLL,
            input_parameters={"http_request": http_input},
        )
