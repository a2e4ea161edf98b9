"""A task definition as registered with ``/metadata/taskdefs``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from conductor.client.http.models._base import Model

if TYPE_CHECKING:
    from conductor.client.http.models.schema_def import SchemaDef


class TaskDef(Model):
    """A registered task definition: retries, timeouts, rate and concurrency limits.

    Every keyword defaults to None (the server applies its defaults) except
    ``enforce_schema=False``.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "owner_app": "str",
        "create_time": "int",
        "update_time": "int",
        "created_by": "str",
        "updated_by": "str",
        "name": "str",
        "description": "str",
        "retry_count": "int",
        "timeout_seconds": "int",
        "input_keys": "list[str]",
        "output_keys": "list[str]",
        "timeout_policy": "str",
        "retry_logic": "str",
        "retry_delay_seconds": "int",
        "response_timeout_seconds": "int",
        "concurrent_exec_limit": "int",
        "input_template": "dict(str, object)",
        "rate_limit_per_frequency": "int",
        "rate_limit_frequency_in_seconds": "int",
        "isolation_group_id": "str",
        "execution_name_space": "str",
        "owner_email": "str",
        "poll_timeout_seconds": "int",
        "backoff_scale_factor": "int",
        "input_schema": "SchemaDef",
        "output_schema": "SchemaDef",
        "enforce_schema": "bool",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "owner_app": "ownerApp",
        "create_time": "createTime",
        "update_time": "updateTime",
        "created_by": "createdBy",
        "updated_by": "updatedBy",
        "name": "name",
        "description": "description",
        "retry_count": "retryCount",
        "timeout_seconds": "timeoutSeconds",
        "input_keys": "inputKeys",
        "output_keys": "outputKeys",
        "timeout_policy": "timeoutPolicy",
        "retry_logic": "retryLogic",
        "retry_delay_seconds": "retryDelaySeconds",
        "response_timeout_seconds": "responseTimeoutSeconds",
        "concurrent_exec_limit": "concurrentExecLimit",
        "input_template": "inputTemplate",
        "rate_limit_per_frequency": "rateLimitPerFrequency",
        "rate_limit_frequency_in_seconds": "rateLimitFrequencyInSeconds",
        "isolation_group_id": "isolationGroupId",
        "execution_name_space": "executionNameSpace",
        "owner_email": "ownerEmail",
        "poll_timeout_seconds": "pollTimeoutSeconds",
        "backoff_scale_factor": "backoffScaleFactor",
        "input_schema": "inputSchema",
        "output_schema": "outputSchema",
        "enforce_schema": "enforceSchema",
    }
    allowed_values: ClassVar[dict[str, tuple[str, ...]]] = {
        "timeout_policy": ("RETRY", "TIME_OUT_WF", "ALERT_ONLY"),
        "retry_logic": ("FIXED", "EXPONENTIAL_BACKOFF", "LINEAR_BACKOFF"),
    }

    owner_app: str | None
    create_time: int | None
    update_time: int | None
    created_by: str | None
    updated_by: str | None
    name: str | None
    description: str | None
    retry_count: int | None
    timeout_seconds: int | None
    input_keys: list[str] | None
    output_keys: list[str] | None
    timeout_policy: str | None
    retry_logic: str | None
    retry_delay_seconds: int | None
    response_timeout_seconds: int | None
    concurrent_exec_limit: int | None
    input_template: dict[str, Any] | None
    rate_limit_per_frequency: int | None
    rate_limit_frequency_in_seconds: int | None
    isolation_group_id: str | None
    execution_name_space: str | None
    owner_email: str | None
    poll_timeout_seconds: int | None
    backoff_scale_factor: int | None
    input_schema: SchemaDef | None
    output_schema: SchemaDef | None
    enforce_schema: bool | None

    def __init__(
        self,
        owner_app: str | None = None,
        create_time: int | None = None,
        update_time: int | None = None,
        created_by: str | None = None,
        updated_by: str | None = None,
        name: str | None = None,
        description: str | None = None,
        retry_count: int | None = None,
        timeout_seconds: int | None = None,
        input_keys: list[str] | None = None,
        output_keys: list[str] | None = None,
        timeout_policy: str | None = None,
        retry_logic: str | None = None,
        retry_delay_seconds: int | None = None,
        response_timeout_seconds: int | None = None,
        concurrent_exec_limit: int | None = None,
        input_template: dict[str, Any] | None = None,
        rate_limit_per_frequency: int | None = None,
        rate_limit_frequency_in_seconds: int | None = None,
        isolation_group_id: str | None = None,
        execution_name_space: str | None = None,
        owner_email: str | None = None,
        poll_timeout_seconds: int | None = None,
        backoff_scale_factor: int | None = None,
        input_schema: SchemaDef | None = None,
        output_schema: SchemaDef | None = None,
        enforce_schema: bool | None = False,
    ) -> None:
        self._init_fields(locals())
