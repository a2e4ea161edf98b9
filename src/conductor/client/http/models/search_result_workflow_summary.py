"""One page of a search over WorkflowSummary records, with the total number of hits."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from conductor.client.http.models._base import Model

if TYPE_CHECKING:
    from conductor.client.http.models.workflow_summary import WorkflowSummary


class SearchResultWorkflowSummary(Model):
    """One page of a search over WorkflowSummary records, with the total number of hits."""

    swagger_types: ClassVar[dict[str, str]] = {
        "results": "list[WorkflowSummary]",
        "total_hits": "int",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "results": "results",
        "total_hits": "totalHits",
    }

    results: list[WorkflowSummary] | None
    total_hits: int | None

    def __init__(
        self,
        results: list[WorkflowSummary] | None = None,
        total_hits: int | None = None,
    ) -> None:
        self._init_fields(locals())
