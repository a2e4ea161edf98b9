"""The outcome of a bulk operation: the ids that succeeded and an error per id that failed."""

from __future__ import annotations

from typing import ClassVar

from conductor.client.http.models._base import Model


class BulkResponse(Model):
    """The outcome of a bulk operation: the ids that succeeded and an error per id that failed."""

    swagger_types: ClassVar[dict[str, str]] = {
        "bulk_error_results": "dict(str, str)",
        "bulk_successful_results": "list[str]",
        "message": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "bulk_error_results": "bulkErrorResults",
        "bulk_successful_results": "bulkSuccessfulResults",
        "message": "message",
    }

    bulk_error_results: dict[str, str] | None
    bulk_successful_results: list[str] | None
    message: str | None

    def __init__(
        self,
        bulk_error_results: dict[str, str] | None = None,
        bulk_successful_results: list[str] | None = None,
        message: str | None = None,
    ) -> None:
        self._init_fields(locals())

    def append_success_response(self, result: str) -> None:
        """Record ``result`` (an entity id) as processed successfully."""
        if self.bulk_successful_results is None:
            self.bulk_successful_results = []
        self.bulk_successful_results.append(result)

    def append_failed_response(self, id: str, error_message: str) -> None:
        """Record that processing the entity ``id`` failed with ``error_message``."""
        if self.bulk_error_results is None:
            self.bulk_error_results = {}
        self.bulk_error_results[id] = error_message
