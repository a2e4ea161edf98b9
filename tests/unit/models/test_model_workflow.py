"""Definitions, workflow executions and the smaller request/response models."""

from __future__ import annotations

import inspect

import pytest

from conductor.client.http.models import (
    BulkResponse,
    CacheConfig,
    GenerateTokenRequest,
    IdempotencyStrategy,
    SchemaDef,
    SchemaType,
    SearchResultTask,
    SearchResultWorkflow,
    StartWorkflowRequest,
    StateChangeConfig,
    StateChangeEvent,
    StateChangeEventType,
    Task,
    TaskDef,
    Token,
    Workflow,
    WorkflowDef,
    WorkflowRun,
    WorkflowStatus,
    WorkflowTask,
)


def _keywords(cls: type) -> list[str]:
    return list(inspect.signature(cls.__init__).parameters)[1:]


def test_workflow_task_keeps_the_two_dynamic_fork_params_apart() -> None:
    names = WorkflowTask.attribute_map
    assert names["dynamic_fork_tasks_param"] == "dynamicForkTasksParam"
    assert names["dynamic_fork_join_tasks_param"] == "dynamicForkJoinTasksParam"
    task = WorkflowTask(dynamic_fork_join_tasks_param="legacy", dynamic_fork_tasks_param="current")
    assert task.dynamic_fork_join_tasks_param == "legacy"
    assert task.dynamic_fork_tasks_param == "current"


def test_workflow_task_keyword_order() -> None:
    assert _keywords(WorkflowTask) == [
        "name",
        "task_reference_name",
        "description",
        "input_parameters",
        "type",
        "dynamic_task_name_param",
        "case_value_param",
        "case_expression",
        "script_expression",
        "decision_cases",
        "dynamic_fork_join_tasks_param",
        "dynamic_fork_tasks_param",
        "dynamic_fork_tasks_input_param_name",
        "default_case",
        "fork_tasks",
        "start_delay",
        "sub_workflow_param",
        "join_on",
        "sink",
        "optional",
        "task_definition",
        "rate_limited",
        "default_exclusive_join_task",
        "async_complete",
        "loop_condition",
        "loop_over",
        "retry_count",
        "evaluator_type",
        "expression",
        "workflow_task_type",
        "on_state_change",
        "cache_config",
    ]
    assert WorkflowTask.swagger_types["decision_cases"] == "dict(str, list[WorkflowTask])"
    assert WorkflowTask.swagger_types["fork_tasks"] == "list[list[WorkflowTask]]"
    assert WorkflowTask.swagger_types["cache_config"] == "CacheConfig"


def test_on_state_change_accepts_a_config_or_a_mapping() -> None:
    event = StateChangeEvent(type="kafka", payload={"k": "${workflow.input.x}"})
    config = StateChangeConfig(event_type=StateChangeEventType.onFailed, events=[event])
    from_config = WorkflowTask(name="a", on_state_change=config)
    assert from_config.on_state_change == {"onFailed": [event]}
    from_mapping = WorkflowTask(name="a", on_state_change={"onFailed": [event]})
    assert from_mapping == from_config
    assert from_config.to_dict()["on_state_change"] == {
        "onFailed": [{"type": "kafka", "payload": {"k": "${workflow.input.x}"}}]
    }
    with pytest.raises(ValueError, match="on_state_change"):
        WorkflowTask(on_state_change=StateChangeConfig())


def test_state_change_config_joins_event_type_names() -> None:
    both = StateChangeConfig([StateChangeEventType.onStart, StateChangeEventType.onSuccess])
    assert both.type == "onStart,onSuccess"
    assert StateChangeConfig("onScheduled").type == "onScheduled"
    assert StateChangeConfig().type is None


def test_cache_config() -> None:
    config = CacheConfig("key-${input.id}", 60)
    assert (config.key, config.ttl_in_second) == ("key-${input.id}", 60)
    assert CacheConfig.attribute_map == {"key": "key", "ttl_in_second": "ttlInSecond"}


def test_workflow_def_defaults_are_not_shared() -> None:
    first, second = WorkflowDef(name="a"), WorkflowDef(name="b")
    assert first.output_parameters == {}
    assert first.tasks == []
    first.output_parameters["x"] = 1
    first.tasks.append(WorkflowTask(name="t"))
    assert second.output_parameters == {}
    assert second.tasks == []
    assert inspect.signature(WorkflowDef.__init__).parameters["output_parameters"].default is None


def test_workflow_def_keeps_given_collections() -> None:
    tasks = [WorkflowTask(name="t", task_reference_name="t_ref")]
    definition = WorkflowDef(name="wf", tasks=tasks, output_parameters={"o": "${t_ref.output}"})
    assert definition.tasks is tasks
    assert definition.to_dict()["tasks"][0]["task_reference_name"] == "t_ref"
    assert definition.to_dict()["output_parameters"] == {"o": "${t_ref.output}"}


def test_workflow_def_keyword_order_starts_with_the_audit_fields() -> None:
    assert _keywords(WorkflowDef)[:11] == [
        "owner_app",
        "create_time",
        "update_time",
        "created_by",
        "updated_by",
        "name",
        "description",
        "version",
        "tasks",
        "input_parameters",
        "output_parameters",
    ]


def test_task_def_keyword_order_and_schema_fields() -> None:
    keywords = _keywords(TaskDef)
    assert keywords[:7] == [
        "owner_app",
        "create_time",
        "update_time",
        "created_by",
        "updated_by",
        "name",
        "description",
    ]
    assert keywords[-3:] == ["input_schema", "output_schema", "enforce_schema"]
    assert TaskDef().enforce_schema is False
    schema = SchemaDef(name="in", type=SchemaType.JSON, data={"type": "object"})
    task_def = TaskDef(name="t", input_schema=schema)
    assert task_def.to_dict()["input_schema"]["data"] == {"type": "object"}
    assert TaskDef.swagger_types["input_schema"] == "SchemaDef"


def test_schema_def() -> None:
    assert _keywords(SchemaDef)[:5] == ["name", "version", "type", "data", "external_ref"]
    assert SchemaDef().version == 1
    assert SchemaDef(type="AVRO").type == "AVRO"
    assert str(SchemaType.PROTOBUF) == "PROTOBUF"
    with pytest.raises(ValueError, match="type"):
        SchemaDef(type="XML")


def test_start_workflow_request_idempotency() -> None:
    request = StartWorkflowRequest(name="wf", input={"a": 1})
    assert request.idempotency_strategy is IdempotencyStrategy.FAIL
    request.idempotency_strategy = "FAIL_ON_RUNNING"
    assert request.idempotency_strategy is IdempotencyStrategy.FAIL_ON_RUNNING
    with pytest.raises(ValueError, match="idempotency_strategy"):
        request.idempotency_strategy = "SOMETIMES"
    assert [member.value for member in IdempotencyStrategy] == [
        "FAIL",
        "RETURN_EXISTING",
        "FAIL_ON_RUNNING",
    ]
    assert str(IdempotencyStrategy.RETURN_EXISTING) == "RETURN_EXISTING"
    assert _keywords(StartWorkflowRequest) == [
        "name",
        "version",
        "correlation_id",
        "input",
        "task_to_domain",
        "workflow_def",
        "external_input_payload_storage_path",
        "priority",
        "created_by",
        "idempotency_key",
        "idempotency_strategy",
    ]


@pytest.mark.parametrize(
    ("status", "completed", "successful", "running"),
    [
        ("RUNNING", False, False, True),
        ("PAUSED", False, True, True),
        ("COMPLETED", True, True, False),
        ("FAILED", True, False, False),
        ("TIMED_OUT", True, False, False),
        ("TERMINATED", True, False, False),
    ],
)
def test_workflow_status_checks(
    status: str, completed: bool, successful: bool, running: bool
) -> None:
    for model in (
        Workflow(status=status),
        WorkflowRun(status=status),
        WorkflowStatus(status=status),
    ):
        assert model.is_completed() is completed
        assert model.is_successful() is successful
        assert model.is_running() is running


def test_workflow_task_lookups() -> None:
    tasks = [
        Task(task_def_name="a", reference_task_name="a_ref", status="COMPLETED", task_id="1"),
        Task(task_def_name="b", reference_task_name="b_ref", status="FAILED", task_id="2"),
        Task(task_def_name="b", reference_task_name="b_ref", status="SCHEDULED", task_id="3"),
    ]
    for run in (Workflow(tasks=tasks), WorkflowRun(tasks=tasks)):
        assert run.current_task is tasks[2]
        assert run.get_task(name="a") is tasks[0]
        assert run.get_task(task_reference_name="b_ref") is tasks[2]
        assert run.get_task(name="missing") is None
        with pytest.raises(ValueError, match="exactly one"):
            run.get_task()
        with pytest.raises(ValueError, match="exactly one"):
            run.get_task(name="a", task_reference_name="a_ref")
    assert Workflow().current_task is None


def test_get_task_falls_back_to_the_workflow_task_reference() -> None:
    task = Task(workflow_task=WorkflowTask(name="x", task_reference_name="x_ref"))
    assert WorkflowRun(tasks=[task]).get_task(task_reference_name="x_ref") is task


def test_workflow_keyword_order_and_nested_tasks() -> None:
    assert _keywords(Workflow)[:8] == [
        "owner_app",
        "create_time",
        "update_time",
        "created_by",
        "updated_by",
        "status",
        "end_time",
        "workflow_id",
    ]
    workflow = Workflow(workflow_id="wf-1", status="RUNNING", tasks=[Task(task_id="t-1")])
    assert workflow.to_dict()["tasks"][0]["task_id"] == "t-1"
    assert Workflow.swagger_types["tasks"] == "list[Task]"
    assert Workflow.swagger_types["history"] == "list[Workflow]"


def test_workflow_run_keeps_the_reason_for_incompletion() -> None:
    run = WorkflowRun(status="FAILED", reason_for_incompletion="boom")
    assert run.reason_for_incompletion == "boom"
    assert WorkflowRun.attribute_map["reason_for_incompletion"] == "reasonForIncompletion"


def test_search_results_keep_conductor_python_orders() -> None:
    assert _keywords(SearchResultTask) == ["results", "total_hits"]
    assert _keywords(SearchResultWorkflow) == ["total_hits", "results"]
    page = SearchResultWorkflow(2, [Workflow(workflow_id="a"), Workflow(workflow_id="b")])
    assert page.to_dict() == {
        "total_hits": 2,
        "results": [Workflow(workflow_id="a").to_dict(), Workflow(workflow_id="b").to_dict()],
    }


def test_bulk_response_helpers() -> None:
    response = BulkResponse()
    response.append_success_response("wf-1")
    response.append_failed_response("wf-2", "not found")
    assert response.bulk_successful_results == ["wf-1"]
    assert response.bulk_error_results == {"wf-2": "not found"}


def test_secrets_never_appear_in_reprs() -> None:
    request = GenerateTokenRequest(key_id="key-1", key_secret="s3cr3t-value")
    assert "s3cr3t-value" not in repr(request)
    assert "key-1" in repr(request)
    assert request.key_secret == "s3cr3t-value"
    assert request.to_dict()["key_secret"] == "s3cr3t-value"
    token = Token(token="eyJ-token-value")
    assert "eyJ-token-value" not in repr(token)
    assert "eyJ-token-value" not in str(token)
    assert repr(Token()) == "{'token': None}"
