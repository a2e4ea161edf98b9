"""swift-conductor name for ``conductor.client.http.models.task_result_status``."""

from __future__ import annotations

from conductor.client.http.models.task_result_status import TaskResultStatus

__all__ = ["TaskResultStatus"]
