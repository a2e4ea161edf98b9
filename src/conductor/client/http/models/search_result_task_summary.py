"""One page of a search over TaskSummary records, with the total number of hits."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from conductor.client.http.models._base import Model

if TYPE_CHECKING:
    from conductor.client.http.models.task_summary import TaskSummary


class SearchResultTaskSummary(Model):
    """One page of a search over TaskSummary records, with the total number of hits."""

    swagger_types: ClassVar[dict[str, str]] = {
        "total_hits": "int",
        "results": "list[TaskSummary]",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "total_hits": "totalHits",
        "results": "results",
    }

    total_hits: int | None
    results: list[TaskSummary] | None

    def __init__(
        self,
        total_hits: int | None = None,
        results: list[TaskSummary] | None = None,
    ) -> None:
        self._init_fields(locals())
