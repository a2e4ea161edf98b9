"""Every DSL task serialises to the WorkflowTask JSON the server reads (expected JSON by hand)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.start_workflow_request import StartWorkflowRequest
from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow.task.do_while_task import DoWhileTask, ForEachTask, LoopTask
from conductor.client.workflow.task.dynamic_fork_task import DynamicForkTask
from conductor.client.workflow.task.dynamic_task import DynamicTask
from conductor.client.workflow.task.event_task import ConductorEventTask, SqsEventTask
from conductor.client.workflow.task.fork_task import ForkTask
from conductor.client.workflow.task.http_poll_task import HttpPollInput, HttpPollTask
from conductor.client.workflow.task.http_task import HttpInput, HttpMethod, HttpTask
from conductor.client.workflow.task.human_task import AssignmentCompletionStrategy, HumanTask
from conductor.client.workflow.task.inline import InlineTask
from conductor.client.workflow.task.javascript_task import JavascriptTask
from conductor.client.workflow.task.join_task import JoinTask
from conductor.client.workflow.task.json_jq_task import JsonJQTask
from conductor.client.workflow.task.kafka_publish import KafkaPublishTask
from conductor.client.workflow.task.kafka_publish_input import KafkaPublishInput
from conductor.client.workflow.task.set_variable_task import SetVariableTask
from conductor.client.workflow.task.simple_task import SimpleTask, simple_task
from conductor.client.workflow.task.start_workflow_task import StartWorkflowTask
from conductor.client.workflow.task.sub_workflow_task import SubWorkflowTask
from conductor.client.workflow.task.switch_task import SwitchTask
from conductor.client.workflow.task.task_type import TaskType
from conductor.client.workflow.task.terminate_task import TerminateTask, WorkflowStatus
from conductor.client.workflow.task.wait_for_webhook_task import (
    WaitForWebHookTask,
    wait_for_webhook,
)
from conductor.client.workflow.task.wait_task import WaitForDurationTask, WaitTask, WaitUntilTask


def wire(task: Any) -> Any:
    """The JSON the SDK sends for ``task.to_workflow_task()``."""
    return ApiClient().sanitize_for_serialization(task.to_workflow_task())


def simple(name: str, ref: str) -> dict[str, Any]:
    return {"name": name, "taskReferenceName": ref, "type": "SIMPLE", "inputParameters": {}}


def test_simple_task() -> None:
    task = SimpleTask(task_def_name="greet", task_reference_name="greet_ref")
    task.input_parameter("name", "${workflow.input.name}")
    assert wire(task) == {
        "name": "greet",
        "taskReferenceName": "greet_ref",
        "type": "SIMPLE",
        "inputParameters": {"name": "${workflow.input.name}"},
    }


def test_simple_task_function_sets_inputs() -> None:
    task = simple_task("greet", "greet_ref", {"a": 1})
    assert wire(task) == {
        "name": "greet",
        "taskReferenceName": "greet_ref",
        "type": "SIMPLE",
        "inputParameters": {"a": 1},
    }


def test_common_fields_and_cache() -> None:
    task = SimpleTask("greet", "greet_ref").cache("${workflow.input.key}", 60)
    task.description = "says hello"
    task.optional = True
    assert wire(task) == {
        "name": "greet",
        "taskReferenceName": "greet_ref",
        "type": "SIMPLE",
        "description": "says hello",
        "optional": True,
        "inputParameters": {},
        "cacheConfig": {"key": "${workflow.input.key}", "ttlInSecond": 60},
    }


def test_wait_for_seconds_emits_duration() -> None:
    assert wire(WaitTask(task_ref_name="wait_2s", wait_for_seconds=2)) == {
        "name": "wait_2s",
        "taskReferenceName": "wait_2s",
        "type": "WAIT",
        "inputParameters": {"duration": "2s"},
    }


def test_wait_until_emits_until_key() -> None:
    task = WaitTask(task_ref_name="wait_jan", wait_until="2024-01-31 00:00 UTC")
    assert wire(task) == {
        "name": "wait_jan",
        "taskReferenceName": "wait_jan",
        "type": "WAIT",
        "inputParameters": {"until": "2024-01-31 00:00 UTC"},
    }


def test_wait_for_signal_has_no_inputs() -> None:
    assert wire(WaitTask(task_ref_name="wait_signal")) == {
        "name": "wait_signal",
        "taskReferenceName": "wait_signal",
        "type": "WAIT",
        "inputParameters": {},
    }


def test_wait_rejects_both_until_and_seconds() -> None:
    with pytest.raises(ValueError, match="not both"):
        WaitTask(task_ref_name="w", wait_until="2024-01-31 00:00 UTC", wait_for_seconds=2)


def test_wait_for_duration_and_until_tasks() -> None:
    assert wire(WaitForDurationTask("w1", 30))["inputParameters"] == {"duration": "30s"}
    assert wire(WaitUntilTask("w2", "2030-01-01 00:00 UTC")) == {
        "name": "w2",
        "taskReferenceName": "w2",
        "type": "WAIT",
        "inputParameters": {"until": "2030-01-01 00:00 UTC"},
    }


def test_http_task_from_http_input() -> None:
    http_input = HttpInput(
        method=HttpMethod.POST,
        uri="https://example.com/api",
        headers={"X-Trace": ["1"]},
        accept="application/json",
        content_type="application/json",
        connection_time_out=1000,
        read_timeout=2000,
        body={"id": "${workflow.input.id}"},
    )
    assert wire(HttpTask("call_api", http_input)) == {
        "name": "call_api",
        "taskReferenceName": "call_api",
        "type": "HTTP",
        "inputParameters": {
            "http_request": {
                "uri": "https://example.com/api",
                "method": "POST",
                "headers": {"X-Trace": ["1"]},
                "accept": "application/json",
                "contentType": "application/json",
                "connectionTimeOut": 1000,
                "readTimeOut": 2000,
                "body": {"id": "${workflow.input.id}"},
            }
        },
    }


def test_http_task_from_dict_defaults_to_get_without_mutating_it() -> None:
    http_input = {"uri": "https://example.com/api"}
    task = HttpTask(task_ref_name="call_remote_api", http_input=http_input)
    assert http_input == {"uri": "https://example.com/api"}
    assert wire(task) == {
        "name": "call_remote_api",
        "taskReferenceName": "call_remote_api",
        "type": "HTTP",
        "inputParameters": {"http_request": {"uri": "https://example.com/api", "method": "GET"}},
    }


def test_http_task_keeps_given_method_and_has_response_helpers() -> None:
    task = HttpTask("h", {"uri": "u", "method": "PUT"})
    assert wire(task)["inputParameters"] == {"http_request": {"uri": "u", "method": "PUT"}}
    assert task.status_code() == "${h.output.response.statusCode}"
    assert task.headers() == "${h.output.response.headers}"
    assert task.headers("Content-Type") == "${h.output.response.headers.Content-Type}"
    assert task.body() == "${h.output.response.body}"
    assert task.body("id") == "${h.output.response.body.id}"


def test_http_poll_task() -> None:
    http_input = HttpPollInput(
        termination_condition="$.output.response.body.done == true",
        uri="https://example.com/status",
    )
    assert wire(HttpPollTask("poll_status", http_input)) == {
        "name": "poll_status",
        "taskReferenceName": "poll_status",
        "type": "HTTP_POLL",
        "inputParameters": {
            "http_request": {
                "uri": "https://example.com/status",
                "method": "GET",
                "terminationCondition": "$.output.response.body.done == true",
                "pollingInterval": 100,
                "maxPollCount": 100,
                "pollingStrategy": "FIXED",
            }
        },
    }


SCRIPT = 'function greetings() { return {"text": "hello " + $.name}; } greetings();'


def test_javascript_task() -> None:
    task = JavascriptTask("hello_script", SCRIPT, bindings={"name": "${workflow.input.name}"})
    assert wire(task) == {
        "name": "hello_script",
        "taskReferenceName": "hello_script",
        "type": "INLINE",
        "inputParameters": {
            "evaluatorType": "graaljs",
            "expression": SCRIPT,
            "name": "${workflow.input.name}",
        },
    }
    assert task.output() == "${hello_script.output.result}"
    assert task.output("text") == "${hello_script.output.result.text}"


def test_javascript_task_evaluator_type_changes_the_input() -> None:
    task = JavascriptTask("js", "1 + 1")
    task.evaluator_type = "javascript"
    assert wire(task)["inputParameters"] == {"evaluatorType": "javascript", "expression": "1 + 1"}
    assert "evaluatorType" not in wire(task)


def test_inline_task() -> None:
    task = InlineTask("inline_ref", "$.a + $.b", bindings={"a": 1, "b": 2})
    assert wire(task) == {
        "name": "inline_ref",
        "taskReferenceName": "inline_ref",
        "type": "INLINE",
        "inputParameters": {"evaluatorType": "graaljs", "expression": "$.a + $.b", "a": 1, "b": 2},
    }
    assert task.output("result") == "${inline_ref.output.result}"


def test_json_jq_task() -> None:
    task = JsonJQTask("jq_process", "{ key3: (.key1.value1 + .key2.value2) }")
    task.input_parameter("key1", "k1").input_parameter("key2", "k2")
    assert wire(task) == {
        "name": "jq_process",
        "taskReferenceName": "jq_process",
        "type": "JSON_JQ_TRANSFORM",
        "inputParameters": {
            "queryExpression": "{ key3: (.key1.value1 + .key2.value2) }",
            "key1": "k1",
            "key2": "k2",
        },
    }


def test_switch_task_value_param() -> None:
    task = (
        SwitchTask("route", "${workflow.input.kind}")
        .switch_case("a", [SimpleTask("do_a", "do_a_ref")])
        .switch_case("b", SimpleTask("do_b", "do_b_ref"))
        .default_case([SimpleTask("do_other", "do_other_ref")])
    )
    assert wire(task) == {
        "name": "route",
        "taskReferenceName": "route",
        "type": "SWITCH",
        "inputParameters": {"switchCaseValue": "${workflow.input.kind}"},
        "evaluatorType": "value-param",
        "expression": "switchCaseValue",
        "decisionCases": {
            "a": [simple("do_a", "do_a_ref")],
            "b": [simple("do_b", "do_b_ref")],
        },
        "defaultCase": [simple("do_other", "do_other_ref")],
    }
    # Serialising must not leak the case value into the task's own inputs.
    assert task.input_parameters == {}


def test_switch_task_javascript() -> None:
    task = SwitchTask("route", "$.kind == 'a' ? 'a' : 'b'", use_javascript=True)
    task.input_parameter("kind", "${workflow.input.kind}")
    task.switch_case("a", [SimpleTask("do_a", "do_a_ref")])
    assert wire(task) == {
        "name": "route",
        "taskReferenceName": "route",
        "type": "SWITCH",
        "inputParameters": {"kind": "${workflow.input.kind}"},
        "evaluatorType": "graaljs",
        "expression": "$.kind == 'a' ? 'a' : 'b'",
        "decisionCases": {"a": [simple("do_a", "do_a_ref")]},
        "defaultCase": [],
    }


def test_fork_task_without_join() -> None:
    task = ForkTask(
        "fork",
        [[SimpleTask("a", "a1"), SimpleTask("a", "a2")], [SimpleTask("b", "b1")]],
    )
    assert wire(task) == {
        "name": "fork",
        "taskReferenceName": "fork",
        "type": "FORK_JOIN",
        "inputParameters": {},
        "forkTasks": [[simple("a", "a1"), simple("a", "a2")], [simple("b", "b1")]],
        "joinOn": ["a2", "b1"],
    }


def test_fork_task_with_join_on_adds_join() -> None:
    task = ForkTask("fork", [[SimpleTask("a", "a1")], [SimpleTask("b", "b1")]], join_on=["a1"])
    converted = task.to_workflow_task()
    assert isinstance(converted, list)
    assert ApiClient().sanitize_for_serialization(converted) == [
        {
            "name": "fork",
            "taskReferenceName": "fork",
            "type": "FORK_JOIN",
            "inputParameters": {},
            "forkTasks": [[simple("a", "a1")], [simple("b", "b1")]],
            "joinOn": ["a1", "b1"],
        },
        {
            "name": "fork_join",
            "taskReferenceName": "fork_join",
            "type": "JOIN",
            "inputParameters": {},
            "joinOn": ["a1"],
        },
    ]


def test_join_task() -> None:
    assert wire(JoinTask("join", join_on=["a", "b"])) == {
        "name": "join",
        "taskReferenceName": "join",
        "type": "JOIN",
        "inputParameters": {},
        "joinOn": ["a", "b"],
    }


def test_join_task_with_script() -> None:
    assert wire(JoinTask("join", join_on=["a"], join_on_script="true")) == {
        "name": "join",
        "taskReferenceName": "join",
        "type": "JOIN",
        "inputParameters": {},
        "joinOn": ["a"],
        "evaluatorType": "js",
        "expression": "true",
    }


def test_do_while_task() -> None:
    task = DoWhileTask("loop", "$.loop.iteration < 3", [SimpleTask("step", "step_ref")])
    assert wire(task) == {
        "name": "loop",
        "taskReferenceName": "loop",
        "type": "DO_WHILE",
        "inputParameters": {},
        "loopCondition": "$.loop.iteration < 3",
        "loopOver": [simple("step", "step_ref")],
    }


def test_loop_task_counts_iterations() -> None:
    assert wire(LoopTask("loop", 3, SimpleTask("step", "step_ref"))) == {
        "name": "loop",
        "taskReferenceName": "loop",
        "type": "DO_WHILE",
        "inputParameters": {},
        "loopCondition": "if ( $.loop.iteration < 3 ) { true; } else { false; }",
        "loopOver": [simple("step", "step_ref")],
    }


def test_for_each_task_iterates_over_items() -> None:
    task = ForEachTask("each", [SimpleTask("step", "step_ref")], "${workflow.input.items}")
    assert wire(task) == {
        "name": "each",
        "taskReferenceName": "each",
        "type": "DO_WHILE",
        "inputParameters": {"items": "${workflow.input.items}"},
        "loopCondition": "if ( $.each.iteration < $.items.length ) { true; } else { false; }",
        "loopOver": [simple("step", "step_ref")],
    }


def test_dynamic_task() -> None:
    assert wire(DynamicTask("${workflow.input.task}", "dyn")) == {
        "name": "dynamic_task",
        "taskReferenceName": "dyn",
        "type": "DYNAMIC",
        "inputParameters": {"taskToExecute": "${workflow.input.task}"},
        "dynamicTaskNameParam": "taskToExecute",
    }


def test_dynamic_fork_task() -> None:
    task = DynamicForkTask("dfork", join_task=JoinTask("dfork_join"))
    task.input_parameter("dynamicTasks", "${prep.output.tasks}")
    task.input_parameter("dynamicTasksInputs", "${prep.output.inputs}")
    converted = task.to_workflow_task()
    assert ApiClient().sanitize_for_serialization(converted) == [
        {
            "name": "dfork",
            "taskReferenceName": "dfork",
            "type": "FORK_JOIN_DYNAMIC",
            "inputParameters": {
                "dynamicTasks": "${prep.output.tasks}",
                "dynamicTasksInputs": "${prep.output.inputs}",
            },
            "dynamicForkTasksParam": "dynamicTasks",
            "dynamicForkTasksInputParamName": "dynamicTasksInputs",
        },
        {
            "name": "dfork_join",
            "taskReferenceName": "dfork_join",
            "type": "JOIN",
            "inputParameters": {},
        },
    ]


def test_sub_workflow_task() -> None:
    task = SubWorkflowTask("child", "child_wf", version=2, task_to_domain_map={"*": "blue"})
    task.input_parameter("x", "${workflow.input.x}")
    assert wire(task) == {
        "name": "child",
        "taskReferenceName": "child",
        "type": "SUB_WORKFLOW",
        "inputParameters": {"x": "${workflow.input.x}"},
        "subWorkflowParam": {"name": "child_wf", "version": 2, "taskToDomain": {"*": "blue"}},
    }


def test_start_workflow_task() -> None:
    request = StartWorkflowRequest(input={"a": 1}, correlation_id="c-1")
    assert wire(StartWorkflowTask("start", "other_wf", request, version=3)) == {
        "name": "start",
        "taskReferenceName": "start",
        "type": "START_WORKFLOW",
        "inputParameters": {
            "startWorkflow": {
                "name": "other_wf",
                "version": 3,
                "input": {"a": 1},
                "correlationId": "c-1",
            }
        },
    }


def test_set_variable_task() -> None:
    task = SetVariableTask("set_vars").input_parameter("count", 3)
    assert wire(task) == {
        "name": "set_vars",
        "taskReferenceName": "set_vars",
        "type": "SET_VARIABLE",
        "inputParameters": {"count": 3},
    }


def test_terminate_task() -> None:
    task = TerminateTask("stop", WorkflowStatus.FAILED, "nothing to do")
    assert wire(task) == {
        "name": "stop",
        "taskReferenceName": "stop",
        "type": "TERMINATE",
        "inputParameters": {"terminationStatus": "FAILED", "terminationReason": "nothing to do"},
    }
    assert WorkflowStatus.TIMEOUT_OUT.value == "TIMED_OUT"


def test_event_tasks() -> None:
    assert wire(SqsEventTask("to_sqs", "my-queue")) == {
        "name": "to_sqs",
        "taskReferenceName": "to_sqs",
        "type": "EVENT",
        "inputParameters": {},
        "sink": "sqs:my-queue",
    }
    assert wire(ConductorEventTask("to_conductor", "order_placed"))["sink"] == (
        "conductor:order_placed"
    )


def test_human_task() -> None:
    task = HumanTask(
        "approve",
        display_name="Approve order",
        form_template="approval_form",
        form_version=2,
        assignment_completion_strategy=AssignmentCompletionStrategy.TERMINATE,
    )
    assert wire(task) == {
        "name": "approve",
        "taskReferenceName": "approve",
        "type": "HUMAN",
        "inputParameters": {
            "__humanTaskDefinition": {
                "assignmentCompletionStrategy": "TERMINATE",
                "displayName": "Approve order",
                "userFormTemplate": {"name": "approval_form", "version": 2},
            }
        },
    }


def test_kafka_publish_task() -> None:
    kafka_input = KafkaPublishInput(
        bootstrap_servers="localhost:9092",
        key="k",
        key_serializer="org.apache.kafka.common.serialization.StringSerializer",
        value="${workflow.input.payload}",
        request_timeout_ms="100",
        max_block_ms="500",
        headers={"h": "v"},
        topic="orders",
    )
    assert wire(KafkaPublishTask("publish", kafka_input)) == {
        "name": "publish",
        "taskReferenceName": "publish",
        "type": "KAFKA_PUBLISH",
        "inputParameters": {
            "kafka_request": {
                "bootStrapServers": "localhost:9092",
                "key": "k",
                "keySerializer": "org.apache.kafka.common.serialization.StringSerializer",
                "value": "${workflow.input.payload}",
                "requestTimeoutMs": "100",
                "maxBlockMs": "500",
                "headers": {"h": "v"},
                "topic": "orders",
            }
        },
    }


def test_wait_for_webhook_task() -> None:
    matches = {"$['type']": "customer_created", "$['id']": "${workflow.input.id}"}
    assert wire(WaitForWebHookTask("hook", matches)) == {
        "name": "hook",
        "taskReferenceName": "hook",
        "type": "WAIT_FOR_WEBHOOK",
        "inputParameters": {"matches": matches},
    }
    assert wire(wait_for_webhook("hook", matches, task_def_name="hook_def"))["name"] == "hook_def"


# -- TaskInterface behaviour ------------------------------------------------------------------


def test_expression_helpers() -> None:
    task = SimpleTask("greet", "greet_ref")
    assert task.output() == "${greet_ref.output}"
    assert task.output("a.b") == "${greet_ref.output.a.b}"
    assert task.output(".a") == "${greet_ref.output.a}"
    assert task.input() == "${greet_ref.input}"
    assert task.input("x") == "${greet_ref.input.x}"
    assert task.input(key="x", value=1) is task
    assert task.input_parameters == {"x": 1}


def test_unknown_public_attribute_reads_as_output_expression() -> None:
    task = SimpleTask("greet", "greet_ref")
    assert task.greeting == "${greet_ref.output.greeting}"
    with pytest.raises(AttributeError):
        _ = task._missing


def test_input_parameters_are_copied() -> None:
    given = {"nested": {"a": 1}}
    task = SimpleTask("greet", "greet_ref")
    task.input_parameters = given
    given["nested"]["a"] = 2
    assert task.input_parameters == {"nested": {"a": 1}}
    workflow_task = task.to_workflow_task()
    assert isinstance(workflow_task, WorkflowTask)
    assert workflow_task.input_parameters is not task.input_parameters


def test_tasks_deep_copy() -> None:
    task = SwitchTask("route", "${workflow.input.kind}").switch_case("a", SimpleTask("a", "a_ref"))
    assert wire(copy.deepcopy(task)) == wire(task)


def test_setters_reject_wrong_types() -> None:
    task = SimpleTask("greet", "greet_ref")
    with pytest.raises(TypeError):
        task.optional = "yes"  # type: ignore[assignment]
    with pytest.raises(TypeError):
        task.task_type = "SIMPLE"  # type: ignore[assignment]


def test_task_type_values_are_server_names() -> None:
    assert {t.value for t in TaskType} >= {
        "SIMPLE",
        "DYNAMIC",
        "FORK_JOIN",
        "FORK_JOIN_DYNAMIC",
        "DECISION",
        "SWITCH",
        "JOIN",
        "DO_WHILE",
        "SUB_WORKFLOW",
        "START_WORKFLOW",
        "EVENT",
        "WAIT",
        "WAIT_FOR_WEBHOOK",
        "HUMAN",
        "USER_DEFINED",
        "HTTP",
        "HTTP_POLL",
        "LAMBDA",
        "INLINE",
        "EXCLUSIVE_JOIN",
        "TERMINATE",
        "KAFKA_PUBLISH",
        "JSON_JQ_TRANSFORM",
        "SET_VARIABLE",
    }
    assert all(member.value == member.name for member in TaskType)
