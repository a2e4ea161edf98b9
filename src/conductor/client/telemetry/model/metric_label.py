"""Label names used by the worker metrics."""

from __future__ import annotations

from enum import Enum


class MetricLabel(str, Enum):
    """Prometheus label names."""

    ENTITY_NAME = "entityName"
    EXCEPTION = "exception"
    OPERATION = "operation"
    PAYLOAD_TYPE = "payload_type"
    TASK_TYPE = "taskType"
    WORKFLOW_TYPE = "workflowType"
    WORKFLOW_VERSION = "version"

    def __str__(self) -> str:
        return self.value
