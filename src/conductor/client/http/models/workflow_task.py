"""A task inside a workflow definition, and its cache settings (``CacheConfig``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from conductor.client.http.models._base import Model
from conductor.client.http.models.state_change_event import StateChangeConfig

if TYPE_CHECKING:
    from conductor.client.http.models.state_change_event import StateChangeEvent
    from conductor.client.http.models.sub_workflow_params import SubWorkflowParams
    from conductor.client.http.models.task_def import TaskDef


class CacheConfig(Model):
    """Output caching for a task: the cache ``key`` template and how long entries live."""

    swagger_types: ClassVar[dict[str, str]] = {"key": "str", "ttl_in_second": "int"}
    attribute_map: ClassVar[dict[str, str]] = {"key": "key", "ttl_in_second": "ttlInSecond"}

    key: str | None
    ttl_in_second: int | None

    def __init__(self, key: str | None = None, ttl_in_second: int | None = None) -> None:
        self._init_fields(locals())


class WorkflowTask(Model):
    """One task of a workflow definition, including the control-flow variants.

    ``dynamic_fork_tasks_param`` is the JSON ``dynamicForkTasksParam``. The legacy
    ``dynamic_fork_join_tasks_param`` keeps its own JSON key, ``dynamicForkJoinTasksParam`` (the
    server's deprecated field), so setting one never overwrites the other on the wire
    (conductor-python mapped both attributes to ``dynamicForkTasksParam``).

    ``on_state_change`` maps an event type to the events to publish; it also accepts a
    :class:`StateChangeConfig`, stored as ``{config.type: config.events}``.
    """

    swagger_types: ClassVar[dict[str, str]] = {
        "name": "str",
        "task_reference_name": "str",
        "description": "str",
        "input_parameters": "dict(str, object)",
        "type": "str",
        "dynamic_task_name_param": "str",
        "case_value_param": "str",
        "case_expression": "str",
        "script_expression": "str",
        "decision_cases": "dict(str, list[WorkflowTask])",
        "dynamic_fork_join_tasks_param": "str",
        "dynamic_fork_tasks_param": "str",
        "dynamic_fork_tasks_input_param_name": "str",
        "default_case": "list[WorkflowTask]",
        "fork_tasks": "list[list[WorkflowTask]]",
        "start_delay": "int",
        "sub_workflow_param": "SubWorkflowParams",
        "join_on": "list[str]",
        "sink": "str",
        "optional": "bool",
        "task_definition": "TaskDef",
        "rate_limited": "bool",
        "default_exclusive_join_task": "list[str]",
        "async_complete": "bool",
        "loop_condition": "str",
        "loop_over": "list[WorkflowTask]",
        "retry_count": "int",
        "evaluator_type": "str",
        "expression": "str",
        "workflow_task_type": "str",
        "on_state_change": "dict(str, list[StateChangeEvent])",
        "cache_config": "CacheConfig",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "name": "name",
        "task_reference_name": "taskReferenceName",
        "description": "description",
        "input_parameters": "inputParameters",
        "type": "type",
        "dynamic_task_name_param": "dynamicTaskNameParam",
        "case_value_param": "caseValueParam",
        "case_expression": "caseExpression",
        "script_expression": "scriptExpression",
        "decision_cases": "decisionCases",
        "dynamic_fork_join_tasks_param": "dynamicForkJoinTasksParam",
        "dynamic_fork_tasks_param": "dynamicForkTasksParam",
        "dynamic_fork_tasks_input_param_name": "dynamicForkTasksInputParamName",
        "default_case": "defaultCase",
        "fork_tasks": "forkTasks",
        "start_delay": "startDelay",
        "sub_workflow_param": "subWorkflowParam",
        "join_on": "joinOn",
        "sink": "sink",
        "optional": "optional",
        "task_definition": "taskDefinition",
        "rate_limited": "rateLimited",
        "default_exclusive_join_task": "defaultExclusiveJoinTask",
        "async_complete": "asyncComplete",
        "loop_condition": "loopCondition",
        "loop_over": "loopOver",
        "retry_count": "retryCount",
        "evaluator_type": "evaluatorType",
        "expression": "expression",
        "workflow_task_type": "workflowTaskType",
        "on_state_change": "onStateChange",
        "cache_config": "cacheConfig",
    }

    name: str | None
    task_reference_name: str | None
    description: str | None
    input_parameters: dict[str, Any] | None
    type: str | None
    dynamic_task_name_param: str | None
    case_value_param: str | None
    case_expression: str | None
    script_expression: str | None
    decision_cases: dict[str, list[WorkflowTask]] | None
    dynamic_fork_join_tasks_param: str | None
    dynamic_fork_tasks_param: str | None
    dynamic_fork_tasks_input_param_name: str | None
    default_case: list[WorkflowTask] | None
    fork_tasks: list[list[WorkflowTask]] | None
    start_delay: int | None
    sub_workflow_param: SubWorkflowParams | None
    join_on: list[str] | None
    sink: str | None
    optional: bool | None
    task_definition: TaskDef | None
    rate_limited: bool | None
    default_exclusive_join_task: list[str] | None
    async_complete: bool | None
    loop_condition: str | None
    loop_over: list[WorkflowTask] | None
    retry_count: int | None
    evaluator_type: str | None
    expression: str | None
    workflow_task_type: str | None
    cache_config: CacheConfig | None

    def __init__(
        self,
        name: str | None = None,
        task_reference_name: str | None = None,
        description: str | None = None,
        input_parameters: dict[str, Any] | None = None,
        type: str | None = None,
        dynamic_task_name_param: str | None = None,
        case_value_param: str | None = None,
        case_expression: str | None = None,
        script_expression: str | None = None,
        decision_cases: dict[str, list[WorkflowTask]] | None = None,
        dynamic_fork_join_tasks_param: str | None = None,
        dynamic_fork_tasks_param: str | None = None,
        dynamic_fork_tasks_input_param_name: str | None = None,
        default_case: list[WorkflowTask] | None = None,
        fork_tasks: list[list[WorkflowTask]] | None = None,
        start_delay: int | None = None,
        sub_workflow_param: SubWorkflowParams | None = None,
        join_on: list[str] | None = None,
        sink: str | None = None,
        optional: bool | None = None,
        task_definition: TaskDef | None = None,
        rate_limited: bool | None = None,
        default_exclusive_join_task: list[str] | None = None,
        async_complete: bool | None = None,
        loop_condition: str | None = None,
        loop_over: list[WorkflowTask] | None = None,
        retry_count: int | None = None,
        evaluator_type: str | None = None,
        expression: str | None = None,
        workflow_task_type: str | None = None,
        on_state_change: dict[str, list[StateChangeEvent]] | StateChangeConfig | None = None,
        cache_config: CacheConfig | None = None,
    ) -> None:
        self._init_fields(locals())

    _on_state_change: dict[str, list[StateChangeEvent]] | None

    @property
    def on_state_change(self) -> dict[str, list[StateChangeEvent]] | None:
        """Events to publish per task state change, keyed by event type."""
        return self._on_state_change

    @on_state_change.setter
    def on_state_change(
        self, value: dict[str, list[StateChangeEvent]] | StateChangeConfig | None
    ) -> None:
        if isinstance(value, StateChangeConfig):
            if value.type is None:
                raise ValueError("StateChangeConfig for `on_state_change` has no event type")
            value = {value.type: list(value.events or [])}
        self._on_state_change = value
