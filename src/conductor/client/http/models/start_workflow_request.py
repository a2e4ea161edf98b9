"""A request to start a workflow, and the idempotency strategies it may use."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from conductor.client.http.models._base import Model, coerce_enum

if TYPE_CHECKING:
    from conductor.client.http.models.workflow_def import WorkflowDef


class IdempotencyStrategy(str, Enum):
    """What the server does when a workflow with the same idempotency key exists."""

    FAIL = "FAIL"
    RETURN_EXISTING = "RETURN_EXISTING"
    FAIL_ON_RUNNING = "FAIL_ON_RUNNING"

    def __str__(self) -> str:
        return self.name


class StartWorkflowRequest(Model):
    """The body of ``POST /workflow``: which workflow to start, and with what input.

    ``idempotency_strategy`` defaults to :attr:`IdempotencyStrategy.FAIL` and accepts a
    member or its name.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "name": "str",
        "version": "int",
        "correlation_id": "str",
        "input": "dict(str, object)",
        "task_to_domain": "dict(str, str)",
        "workflow_def": "WorkflowDef",
        "external_input_payload_storage_path": "str",
        "priority": "int",
        "created_by": "str",
        "idempotency_key": "str",
        "idempotency_strategy": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "name": "name",
        "version": "version",
        "correlation_id": "correlationId",
        "input": "input",
        "task_to_domain": "taskToDomain",
        "workflow_def": "workflowDef",
        "external_input_payload_storage_path": "externalInputPayloadStoragePath",
        "priority": "priority",
        "created_by": "createdBy",
        "idempotency_key": "idempotencyKey",
        "idempotency_strategy": "idempotencyStrategy",
    }

    name: str | None
    version: int | None
    correlation_id: str | None
    input: dict[str, Any] | None
    task_to_domain: dict[str, str] | None
    workflow_def: WorkflowDef | None
    external_input_payload_storage_path: str | None
    priority: int | None
    created_by: str | None
    idempotency_key: str | None

    def __init__(
        self,
        name: str | None = None,
        version: int | None = None,
        correlation_id: str | None = None,
        input: dict[str, Any] | None = None,
        task_to_domain: dict[str, str] | None = None,
        workflow_def: WorkflowDef | None = None,
        external_input_payload_storage_path: str | None = None,
        priority: int | None = None,
        created_by: str | None = None,
        idempotency_key: str | None = None,
        idempotency_strategy: IdempotencyStrategy | str | None = IdempotencyStrategy.FAIL,
    ) -> None:
        self._init_fields(locals())

    _idempotency_strategy: IdempotencyStrategy | None

    @property
    def idempotency_strategy(self) -> IdempotencyStrategy | None:
        """The strategy applied when ``idempotency_key`` matches an existing workflow."""
        return self._idempotency_strategy

    @idempotency_strategy.setter
    def idempotency_strategy(self, value: IdempotencyStrategy | str | None) -> None:
        self._idempotency_strategy = coerce_enum(IdempotencyStrategy, "idempotency_strategy", value)
