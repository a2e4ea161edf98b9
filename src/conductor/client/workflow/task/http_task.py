"""HTTP tasks: the server calls an HTTP endpoint and records the response."""

from __future__ import annotations

from copy import deepcopy
from enum import Enum
from typing import Any, ClassVar

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class HttpMethod(str, Enum):
    """HTTP methods the HTTP task supports."""

    GET = "GET"
    PUT = "PUT"
    POST = "POST"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"

    def __str__(self) -> str:
        return self.value


class HttpInput:
    """The ``http_request`` input of an HTTP task.

    ``swagger_types``/``attribute_map`` give the JSON name of each field, as for a model.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "_uri": "str",
        "_method": "str",
        "_accept": "list[str]",
        "_headers": "dict[str, list[str]]",
        "_content_type": "str",
        "_connection_time_out": "int",
        "_read_timeout": "int",
        "_body": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "_uri": "uri",
        "_method": "method",
        "_accept": "accept",
        "_headers": "headers",
        "_content_type": "contentType",
        "_connection_time_out": "connectionTimeOut",
        "_read_timeout": "readTimeOut",
        "_body": "body",
    }

    def __init__(
        self,
        method: HttpMethod = HttpMethod.GET,
        uri: str | None = None,
        headers: dict[str, list[str]] | None = None,
        accept: str | None = None,
        content_type: str | None = None,
        connection_time_out: int | None = None,
        read_timeout: int | None = None,
        body: Any = None,
    ) -> None:
        """Describe the request.

        Args:
            method: The HTTP method.
            uri: The URL to call.
            headers: Request headers, each name mapped to its values.
            accept: The ``Accept`` media type.
            content_type: The ``Content-Type`` of the body.
            connection_time_out: Connect timeout in milliseconds.
            read_timeout: Read timeout in milliseconds.
            body: The request body (JSON-serialisable).
        """
        self._method = method
        self._uri = uri
        self._headers = deepcopy(headers)
        self._accept = accept
        self._content_type = content_type
        self._connection_time_out = connection_time_out
        self._read_timeout = read_timeout
        self._body = deepcopy(body)


class HttpTask(TaskInterface):
    """Call an HTTP endpoint from the server.

    ``http_input`` is an :class:`HttpInput` or a dict of the same JSON fields (``uri``,
    ``method``, ``headers``...); a dict without ``method`` gets ``"GET"``. The caller's dict is
    never modified.
    """

    def __init__(self, task_ref_name: str, http_input: HttpInput | dict[str, Any]) -> None:
        request: HttpInput | dict[str, Any] = http_input
        if isinstance(http_input, dict) and "method" not in http_input:
            request = {**http_input, "method": "GET"}
        super().__init__(
            task_reference_name=task_ref_name,
            task_type=TaskType.HTTP,
            input_parameters={"http_request": request},
        )

    def status_code(self) -> str:
        """Return the expression for the response's status code."""
        return self.output("response.statusCode")

    def headers(self, json_path: str | None = None) -> str:
        """Return the expression for the response headers, or for ``json_path`` inside them."""
        return self.output(
            "response.headers" if json_path is None else f"response.headers.{json_path}"
        )

    def body(self, json_path: str | None = None) -> str:
        """Return the expression for the response body, or for ``json_path`` inside it."""
        return self.output("response.body" if json_path is None else f"response.body.{json_path}")
