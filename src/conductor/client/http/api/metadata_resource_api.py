"""Metadata endpoints (``/metadata``): task and workflow definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conductor.client.http.api._operation import Operation, ResourceApi, http_info

if TYPE_CHECKING:
    from conductor.client.http.models.task_def import TaskDef
    from conductor.client.http.models.workflow_def import WorkflowDef

_LIST_FILTERS = ("access", "metadata", "tag_key", "tag_value")

_REGISTER_TASK_DEF: Operation[Any] = Operation(
    "register_task_def", "POST", "/metadata/taskdefs", ("body",), body="body", returns="object",
)  # fmt: skip
_UPDATE_TASK_DEF: Operation[Any] = Operation(
    "update_task_def", "PUT", "/metadata/taskdefs", ("body",), body="body", returns="object",
)  # fmt: skip
_GET_TASK_DEF: Operation[TaskDef] = Operation(
    "get_task_def", "GET", "/metadata/taskdefs/{tasktype}", ("tasktype",),
    query=("metadata",), returns="TaskDef",
)  # fmt: skip
_GET_TASK_DEFS: Operation[list[TaskDef]] = Operation(
    "get_task_defs", "GET", "/metadata/taskdefs", query=_LIST_FILTERS, returns="list[TaskDef]",
)  # fmt: skip
_UNREGISTER_TASK_DEF: Operation[None] = Operation(
    "unregister_task_def", "DELETE", "/metadata/taskdefs/{tasktype}", ("tasktype",),
)  # fmt: skip
_CREATE: Operation[Any] = Operation(
    "create", "POST", "/metadata/workflow", ("body",),
    query=("overwrite",), body="body", returns="object",
)  # fmt: skip
_UPDATE1: Operation[Any] = Operation(
    "update1", "PUT", "/metadata/workflow", ("body",),
    query=("overwrite",), body="body", returns="object",
)  # fmt: skip
_GET: Operation[WorkflowDef] = Operation(
    "get", "GET", "/metadata/workflow/{name}", ("name",),
    query=("version", "metadata"), returns="WorkflowDef",
)  # fmt: skip
_GET_ALL_WORKFLOWS: Operation[list[WorkflowDef]] = Operation(
    "get_all_workflows", "GET", "/metadata/workflow",
    query=(*_LIST_FILTERS, "name", "short"), returns="list[WorkflowDef]",
)  # fmt: skip
_UNREGISTER_WORKFLOW_DEF: Operation[None] = Operation(
    "unregister_workflow_def", "DELETE", "/metadata/workflow/{name}/{version}", ("name", "version"),
)  # fmt: skip


class MetadataResourceApi(ResourceApi):
    """Task and workflow definition endpoints.

    Same conventions as :class:`~conductor.client.http.api.task_resource_api.TaskResourceApi`.
    """

    def register_task_def(self, body: list[TaskDef], **kwargs: Any) -> Any:
        """Create or overwrite task definitions (``body`` is a list)."""
        return self._call(_REGISTER_TASK_DEF, (body,), kwargs)

    register_task_def_with_http_info = http_info(_REGISTER_TASK_DEF)

    def update_task_def(self, body: TaskDef, **kwargs: Any) -> Any:
        """Update one registered task definition (404 when it is not registered)."""
        return self._call(_UPDATE_TASK_DEF, (body,), kwargs)

    update_task_def_with_http_info = http_info(_UPDATE_TASK_DEF)

    def get_task_def(self, tasktype: str, **kwargs: Any) -> TaskDef:
        """Return the definition of ``tasktype``."""
        return self._call(_GET_TASK_DEF, (tasktype,), kwargs)

    get_task_def_with_http_info = http_info(_GET_TASK_DEF)

    def get_task_defs(self, **kwargs: Any) -> list[TaskDef]:
        """Return every task definition; filters: ``access``, ``metadata``, ``tag_key``, ``tag_value``."""
        return self._call(_GET_TASK_DEFS, (), kwargs)

    get_task_defs_with_http_info = http_info(_GET_TASK_DEFS)

    def unregister_task_def(self, tasktype: str, **kwargs: Any) -> None:
        """Delete the definition of ``tasktype``."""
        return self._call(_UNREGISTER_TASK_DEF, (tasktype,), kwargs)

    unregister_task_def_with_http_info = http_info(_UNREGISTER_TASK_DEF)

    def create(self, body: WorkflowDef, **kwargs: Any) -> Any:
        """Register a workflow definition; ``overwrite=True`` replaces an existing version."""
        return self._call(_CREATE, (body,), kwargs)

    create_with_http_info = http_info(_CREATE)

    def update1(self, body: list[WorkflowDef], **kwargs: Any) -> Any:
        """Create or update workflow definitions (``body`` is a list); returns the bulk result."""
        return self._call(_UPDATE1, (body,), kwargs)

    update1_with_http_info = http_info(_UPDATE1)

    def get(self, name: str, **kwargs: Any) -> WorkflowDef:
        """Return the workflow definition ``name`` (``version``: latest when omitted)."""
        return self._call(_GET, (name,), kwargs)

    get_with_http_info = http_info(_GET)

    def get_all_workflows(self, **kwargs: Any) -> list[WorkflowDef]:
        """Return every workflow definition, all versions."""
        return self._call(_GET_ALL_WORKFLOWS, (), kwargs)

    get_all_workflows_with_http_info = http_info(_GET_ALL_WORKFLOWS)

    def unregister_workflow_def(self, name: str, version: int, **kwargs: Any) -> None:
        """Delete version ``version`` of the workflow definition ``name``."""
        return self._call(_UNREGISTER_WORKFLOW_DEF, (name, version), kwargs)

    unregister_workflow_def_with_http_info = http_info(_UNREGISTER_WORKFLOW_DEF)
