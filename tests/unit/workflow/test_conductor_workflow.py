"""ConductorWorkflow: fluent API, composition with ``>>``, and the WorkflowDef JSON it builds."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from responses import matchers

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.start_workflow_request import (
    IdempotencyStrategy,
    StartWorkflowRequest,
)
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.do_while_task import LoopTask
from conductor.client.workflow.task.dynamic_fork_task import DynamicForkTask
from conductor.client.workflow.task.fork_task import ForkTask
from conductor.client.workflow.task.join_task import JoinTask
from conductor.client.workflow.task.simple_task import SimpleTask
from conductor.client.workflow.task.sub_workflow_task import SubWorkflowTask
from conductor.client.workflow.task.switch_task import SwitchTask
from conductor.client.workflow.task.timeout_policy import TimeoutPolicy

API = "http://conductor.test/api"


@pytest.fixture
def executor() -> WorkflowExecutor:
    return WorkflowExecutor(Configuration(server_api_url=API))


def wire(model: Any) -> Any:
    return ApiClient().sanitize_for_serialization(model)


def simple(name: str, ref: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "taskReferenceName": ref,
        "type": "SIMPLE",
        "inputParameters": inputs or {},
    }


def test_empty_workflow_defaults(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "empty")
    assert wire(workflow.to_workflow_def()) == {
        "name": "empty",
        "tasks": [],
        "inputParameters": [],
        "outputParameters": {},
        "failureWorkflow": "",
        "schemaVersion": 2,
        "restartable": True,
        "workflowStatusListenerEnabled": False,
        "timeoutSeconds": 60,
        "variables": {},
        "inputTemplate": {},
    }


def test_fluent_settings_reach_the_definition(executor: WorkflowExecutor) -> None:
    workflow = (
        ConductorWorkflow(executor, "orders", version=3, description="order flow")
        .owner_email("team@example.com")
        .timeout_policy(TimeoutPolicy.TIME_OUT_WORKFLOW)
        .timeout_seconds(120)
        .failure_workflow("orders_cleanup")
        .restartable(False)
        .enable_status_listener("kafka:status")
        .input_parameters(["order_id"])
        .input_template({"priority": "low"})
        .variables({"count": 0})
        .output_parameters({"a": "${step.output.a}"})
        .output_parameter("b", "${step.output.b}")
    )
    workflow >> SimpleTask("step", "step")
    assert wire(workflow.to_workflow_def()) == {
        "name": "orders",
        "description": "order flow",
        "version": 3,
        "tasks": [simple("step", "step")],
        "inputParameters": ["order_id"],
        "outputParameters": {"a": "${step.output.a}", "b": "${step.output.b}"},
        "failureWorkflow": "orders_cleanup",
        "schemaVersion": 2,
        "restartable": False,
        "workflowStatusListenerEnabled": True,
        "workflowStatusListenerSink": "kafka:status",
        "ownerEmail": "team@example.com",
        "timeoutPolicy": "TIME_OUT_WF",
        "timeoutSeconds": 120,
        "variables": {"count": 0},
        "inputTemplate": {"priority": "low"},
    }
    workflow.disable_status_listener()
    definition = wire(workflow.to_workflow_def())
    assert definition["workflowStatusListenerEnabled"] is False
    assert "workflowStatusListenerSink" not in definition


def test_input_parameters_dict_and_workflow_input_set_the_template(
    executor: WorkflowExecutor,
) -> None:
    workflow = ConductorWorkflow(executor, "wf").input_parameters({"a": 1})
    assert wire(workflow.to_workflow_def())["inputTemplate"] == {"a": 1}
    workflow.workflow_input({"b": 2})
    assert wire(workflow.to_workflow_def())["inputTemplate"] == {"b": 2}


def test_setters_reject_wrong_types(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    with pytest.raises(TypeError):
        workflow.timeout_seconds("60")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        workflow.restartable("no")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        workflow.timeout_policy("ALERT_ONLY")  # type: ignore[arg-type]


def test_rshift_and_add_append_in_order(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    result = workflow >> SimpleTask("a", "a_ref") >> SimpleTask("b", "b_ref")
    assert result is workflow
    assert workflow.add([SimpleTask("c", "c_ref"), SimpleTask("d", "d_ref")]) is workflow
    workflow.add(SimpleTask("e", "e_ref"))
    refs = [task["taskReferenceName"] for task in wire(workflow.to_workflow_def())["tasks"]]
    assert refs == ["a_ref", "b_ref", "c_ref", "d_ref", "e_ref"]


def test_adding_tasks_copies_them(executor: WorkflowExecutor) -> None:
    task = SimpleTask("a", "a_ref")
    workflow = ConductorWorkflow(executor, "wf") >> task
    task.input_parameter("late", 1)
    assert wire(workflow.to_workflow_def())["tasks"] == [simple("a", "a_ref")]


def test_adding_a_non_task_explains_the_decorator_call(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    with pytest.raises(TypeError, match="task_ref_name"):
        workflow >> (lambda: None)  # type: ignore[operator]


def test_list_of_lists_forks_and_joins_automatically(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    (
        workflow
        >> [
            [SimpleTask("a", "a1"), SimpleTask("a", "a2")],
            SimpleTask("b", "b1"),
        ]
        >> SimpleTask("after", "after")
    )
    tasks = wire(workflow.to_workflow_def())["tasks"]
    fork_ref = tasks[0]["taskReferenceName"]
    assert fork_ref.startswith("forked_")
    assert tasks == [
        {
            "name": fork_ref,
            "taskReferenceName": fork_ref,
            "type": "FORK_JOIN",
            "inputParameters": {},
            "forkTasks": [[simple("a", "a1"), simple("a", "a2")], [simple("b", "b1")]],
            "joinOn": ["a2", "b1"],
        },
        {
            "name": f"join_{fork_ref}",
            "taskReferenceName": f"join_{fork_ref}",
            "type": "JOIN",
            "inputParameters": {},
            "joinOn": ["a2", "b1"],
        },
        simple("after", "after"),
    ]


def test_fork_at_the_end_still_gets_a_join(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    workflow.add([[SimpleTask("a", "a1")], [SimpleTask("b", "b1")]])
    tasks = wire(workflow.to_workflow_def())["tasks"]
    assert [task["type"] for task in tasks] == ["FORK_JOIN", "JOIN"]
    assert tasks[1]["joinOn"] == ["a1", "b1"]


def test_explicit_join_is_kept(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    workflow >> ForkTask("fork", [[SimpleTask("a", "a1")], [SimpleTask("b", "b1")]])
    workflow >> JoinTask("my_join", join_on=["a1"])
    tasks = wire(workflow.to_workflow_def())["tasks"]
    assert [task["taskReferenceName"] for task in tasks] == ["fork", "my_join"]


def test_dynamic_fork_gets_a_join(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    workflow >> DynamicForkTask("dfork").input_parameter("dynamicTasks", "${prep.output.tasks}")
    tasks = wire(workflow.to_workflow_def())["tasks"]
    assert tasks[1] == {
        "name": "join_dfork",
        "taskReferenceName": "join_dfork",
        "type": "JOIN",
        "inputParameters": {},
        "joinOn": [],
    }


def test_composite_workflow_definition(executor: WorkflowExecutor) -> None:
    """Switch, fork/join, do-while and sub-workflows in one definition."""
    child = ConductorWorkflow(executor, "child", version=1)
    child >> SimpleTask("child_step", "child_step")

    route = (
        SwitchTask("route", "${workflow.input.kind}")
        .switch_case("express", [SimpleTask("ship_fast", "ship_fast")])
        .default_case([SimpleTask("ship_slow", "ship_slow")])
    )
    fork = ForkTask(
        "fanout",
        [[SimpleTask("email", "email")], [SimpleTask("sms", "sms"), SimpleTask("log", "log")]],
    )
    loop = LoopTask("retry_loop", 2, [SimpleTask("ping", "ping")])
    registered_child = SubWorkflowTask("billing", "billing_wf", version=4)

    workflow = ConductorWorkflow(executor, "composite", version=7)
    workflow.owner_email("team@example.com")
    workflow >> SimpleTask("prepare", "prepare").input_parameter("id", workflow.input("id"))
    workflow >> route >> fork >> loop >> registered_child >> child
    workflow.output_parameter("result", "${ping.output.result}")

    definition = wire(workflow.to_workflow_def())
    inline_ref = definition["tasks"][-1]["taskReferenceName"]
    assert inline_ref.startswith("child_")
    assert definition == {
        "name": "composite",
        "version": 7,
        "ownerEmail": "team@example.com",
        "schemaVersion": 2,
        "restartable": True,
        "workflowStatusListenerEnabled": False,
        "timeoutSeconds": 60,
        "failureWorkflow": "",
        "inputParameters": [],
        "inputTemplate": {},
        "variables": {},
        "outputParameters": {"result": "${ping.output.result}"},
        "tasks": [
            simple("prepare", "prepare", {"id": "${workflow.input.id}"}),
            {
                "name": "route",
                "taskReferenceName": "route",
                "type": "SWITCH",
                "inputParameters": {"switchCaseValue": "${workflow.input.kind}"},
                "evaluatorType": "value-param",
                "expression": "switchCaseValue",
                "decisionCases": {"express": [simple("ship_fast", "ship_fast")]},
                "defaultCase": [simple("ship_slow", "ship_slow")],
            },
            {
                "name": "fanout",
                "taskReferenceName": "fanout",
                "type": "FORK_JOIN",
                "inputParameters": {},
                "forkTasks": [
                    [simple("email", "email")],
                    [simple("sms", "sms"), simple("log", "log")],
                ],
                "joinOn": ["email", "log"],
            },
            {
                "name": "join_fanout",
                "taskReferenceName": "join_fanout",
                "type": "JOIN",
                "inputParameters": {},
                "joinOn": ["email", "log"],
            },
            {
                "name": "retry_loop",
                "taskReferenceName": "retry_loop",
                "type": "DO_WHILE",
                "inputParameters": {},
                "loopCondition": "if ( $.retry_loop.iteration < 2 ) { true; } else { false; }",
                "loopOver": [simple("ping", "ping")],
            },
            {
                "name": "billing",
                "taskReferenceName": "billing",
                "type": "SUB_WORKFLOW",
                "inputParameters": {},
                "subWorkflowParam": {"name": "billing_wf", "version": 4},
            },
            {
                "name": inline_ref,
                "taskReferenceName": inline_ref,
                "type": "SUB_WORKFLOW",
                "inputParameters": {},
                "subWorkflowParam": {
                    "name": "child",
                    "version": 1,
                    "workflowDefinition": {
                        "name": "child",
                        "version": 1,
                        "tasks": [simple("child_step", "child_step")],
                        "inputParameters": [],
                        "outputParameters": {},
                        "failureWorkflow": "",
                        "schemaVersion": 2,
                        "restartable": True,
                        "workflowStatusListenerEnabled": False,
                        "timeoutSeconds": 60,
                        "variables": {},
                        "inputTemplate": {},
                    },
                },
            },
        ],
    }


def test_to_workflow_task_is_an_inline_sub_workflow(executor: WorkflowExecutor) -> None:
    child = ConductorWorkflow(executor, "child", version=2).input_template({"x": 1})
    child >> SimpleTask("step", "step")
    task = wire(child.to_workflow_task())
    assert task["type"] == "SUB_WORKFLOW"
    assert task["taskReferenceName"].startswith("child_")
    assert task["inputParameters"] == {"x": 1}
    assert task["subWorkflowParam"]["name"] == "child"
    assert task["subWorkflowParam"]["version"] == 2
    assert task["subWorkflowParam"]["workflowDefinition"]["tasks"] == [simple("step", "step")]


def test_expression_helpers(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    assert workflow.input("a.b") == "${workflow.input.a.b}"
    assert workflow.input() == "${workflow.input}"
    assert workflow.output("x") == "${workflow.output.x}"
    assert workflow.output() == "${workflow.output}"


# -- talking to the server -------------------------------------------------------------------


@responses.activate
def test_register_puts_the_definition_list(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf", version=1)
    workflow >> SimpleTask("a", "a_ref")
    responses.put(
        f"{API}/metadata/workflow",
        json={"bulkSuccessfulResults": ["wf"], "bulkErrorResults": {}},
        match=[
            matchers.query_param_matcher({"overwrite": "true"}),
            matchers.json_params_matcher([wire(workflow.to_workflow_def())]),
        ],
    )
    workflow.register(overwrite=True)
    assert len(responses.calls) == 1


@responses.activate
def test_start_workflow_with_input_sends_the_inline_definition(
    executor: WorkflowExecutor,
) -> None:
    workflow = ConductorWorkflow(executor, "wf", version=2)
    workflow >> SimpleTask("a", "a_ref")
    expected_body = {
        "name": "wf",
        "version": 2,
        "correlationId": "c-1",
        "input": {"x": 1},
        "taskToDomain": {"*": "blue"},
        "workflowDef": wire(workflow.to_workflow_def()),
        "priority": 5,
        "idempotencyKey": "k-1",
        "idempotencyStrategy": "RETURN_EXISTING",
    }
    responses.post(
        f"{API}/workflow", body="wf-1", match=[matchers.json_params_matcher(expected_body)]
    )
    workflow_id = workflow.start_workflow_with_input(
        workflow_input={"x": 1},
        correlation_id="c-1",
        task_to_domain={"*": "blue"},
        priority=5,
        idempotency_key="k-1",
        idempotency_strategy=IdempotencyStrategy.RETURN_EXISTING,
    )
    assert workflow_id == "wf-1"


@responses.activate
def test_start_workflow_fills_the_request(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf")
    workflow >> SimpleTask("a", "a_ref")
    responses.post(f"{API}/workflow", body="wf-9")
    assert workflow.start_workflow(StartWorkflowRequest(input={"x": 1})) == "wf-9"
    sent = json.loads(responses.calls[0].request.body)
    assert sent["name"] == "wf"
    assert "version" not in sent
    assert sent["input"] == {"x": 1}
    assert sent["workflowDef"]["tasks"] == [simple("a", "a_ref")]


@responses.activate
def test_execute_keeps_the_workflow_version(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf", version=5)
    workflow >> SimpleTask("a", "a_ref")
    responses.post(
        f"{API}/workflow/execute/wf/5",
        json={"workflowId": "wf-1", "status": "COMPLETED", "output": {"r": 1}},
        match=[matchers.query_param_matcher({"requestId": "req-1", "waitForSeconds": "3"})],
    )
    run = workflow.execute(workflow_input={"x": 1}, wait_for_seconds=3, request_id="req-1")
    assert run.workflow_id == "wf-1"
    assert run.status == "COMPLETED"
    assert run.output == {"r": 1}
    sent = json.loads(responses.calls[0].request.body)
    assert sent["version"] == 5
    assert sent["input"] == {"x": 1}


@responses.activate
def test_call_executes_with_keyword_input(executor: WorkflowExecutor) -> None:
    workflow = ConductorWorkflow(executor, "wf", version=1)
    workflow >> SimpleTask("a", "a_ref")
    responses.post(f"{API}/workflow/execute/wf/1", json={"workflowId": "wf-1", "status": "RUNNING"})
    run = workflow(name="Ada")
    assert run.status == "RUNNING"
    assert json.loads(responses.calls[0].request.body)["input"] == {"name": "Ada"}
