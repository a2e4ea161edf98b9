"""Resource APIs of the Conductor server, one class per REST resource."""

from __future__ import annotations

from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api.token_resource_api import TokenResourceApi
from conductor.client.http.api.workflow_resource_api import WorkflowResourceApi

__all__ = ["MetadataResourceApi", "TaskResourceApi", "TokenResourceApi", "WorkflowResourceApi"]
