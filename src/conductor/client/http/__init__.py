"""The Conductor HTTP client: :class:`ApiClient`, the resource APIs and the models.

Names are imported on first access, so importing ``conductor.client.http.models`` does not
load the HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
    from conductor.client.http.api.task_resource_api import TaskResourceApi
    from conductor.client.http.api.token_resource_api import TokenResourceApi
    from conductor.client.http.api.workflow_resource_api import WorkflowResourceApi
    from conductor.client.http.api_client import ApiClient
    from conductor.client.http.rest import (
        ApiException,
        AuthorizationException,
        RESTClientObject,
    )

_EXPORTS = {
    "ApiClient": "conductor.client.http.api_client",
    "ApiException": "conductor.client.http.rest",
    "AuthorizationException": "conductor.client.http.rest",
    "RESTClientObject": "conductor.client.http.rest",
    "MetadataResourceApi": "conductor.client.http.api.metadata_resource_api",
    "TaskResourceApi": "conductor.client.http.api.task_resource_api",
    "TokenResourceApi": "conductor.client.http.api.token_resource_api",
    "WorkflowResourceApi": "conductor.client.http.api.workflow_resource_api",
}

__all__ = [
    "ApiClient",
    "ApiException",
    "AuthorizationException",
    "MetadataResourceApi",
    "RESTClientObject",
    "TaskResourceApi",
    "TokenResourceApi",
    "WorkflowResourceApi",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
