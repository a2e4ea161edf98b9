"""What a worker returns becomes the task's output: the output rules and JSON safety."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import socket
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from conductor.client.http.models.task import Task
from conductor.client.http.models.task_exec_log import TaskExecLog
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker._execution import execute_task
from conductor.client.worker._output import (
    OutputSerializationError,
    output_to_dict,
    to_json_compatible,
)
from conductor.client.worker.worker import Worker


class Mood(enum.Enum):
    HAPPY = "happy"


@dataclass
class Inner:
    when: datetime.date
    mood: Mood


@dataclass
class Outer:
    name: str
    inner: Inner
    items: list[Inner]


def make_task() -> Task:
    return Task(task_id="t-1", workflow_instance_id="wf-1", task_type="out", input_data={})


def returning(value: Any, worker_id: str | None = None) -> TaskResult:
    def fn(task: Task) -> Any:
        return value

    worker = Worker("out", fn) if worker_id is None else Worker("out", fn, worker_id=worker_id)
    return execute_task(worker, make_task())


# --- the output rules -------------------------------------------------------------------


def test_dict_is_the_output() -> None:
    result = returning({"a": 1, "b": [1, 2]})

    assert result.status == TaskResultStatus.COMPLETED
    assert result.output_data == {"a": 1, "b": [1, 2]}


def test_dataclass_becomes_a_dict() -> None:
    value = Outer("n", Inner(datetime.date(2024, 1, 2), Mood.HAPPY), [])

    result = returning(value)

    assert result.output_data == {
        "name": "n",
        "inner": {"when": "2024-01-02", "mood": "happy"},
        "items": [],
    }


def test_none_becomes_empty_output() -> None:
    assert returning(None).output_data == {}


@pytest.mark.parametrize("value", ["text", 42, 1.5, True, [1, "a"]])
def test_other_values_become_result_key(value: Any) -> None:
    assert returning(value).output_data == {"result": value}


def test_result_ids_and_worker_are_filled() -> None:
    result = returning({"k": "v"}, worker_id="worker-7")

    assert (result.task_id, result.workflow_instance_id) == ("t-1", "wf-1")
    assert result.worker_id == "worker-7"


def test_returned_task_result_passes_through_with_ids_filled() -> None:
    own = TaskResult(task_id="wrong", worker_id="custom", status="FAILED")
    own.reason_for_incompletion = "business failure"
    own.add_output_data("k", "v")

    result = returning(own)

    assert result is own
    assert (result.task_id, result.workflow_instance_id) == ("t-1", "wf-1")
    assert result.worker_id == "custom"
    assert result.status == TaskResultStatus.FAILED
    assert result.reason_for_incompletion == "business failure"
    assert result.output_data == {"k": "v"}


def test_returned_task_result_gets_defaults() -> None:
    result = returning(TaskResult())

    assert result.status == TaskResultStatus.COMPLETED
    assert result.worker_id == socket.gethostname()
    assert result.task_id == "t-1"


def test_seed_function_worker_result_is_kept() -> None:
    def execute(task: Task) -> TaskResult:
        task_result = TaskResult(
            task_id=task.task_id,
            workflow_instance_id=task.workflow_instance_id,
            worker_id="your_custom_id",
        )
        task_result.add_output_data("worker_style", "function")
        task_result.status = TaskResultStatus.COMPLETED
        return task_result

    result = execute_task(Worker("python_execute_example", execute), make_task())

    assert result.worker_id == "your_custom_id"
    assert result.status == TaskResultStatus.COMPLETED
    assert result.output_data == {"worker_style": "function"}


# --- JSON-compatible values -------------------------------------------------------------


def test_values_are_made_json_compatible() -> None:
    an_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    value = {
        "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 1, 2),
        "at": datetime.time(3, 4),
        "id": an_id,
        "amount": decimal.Decimal("10.50"),
        "mood": Mood.HAPPY,
        "tags": {"b", "a"},
        "pair": (1, 2),
        "nested": [Inner(datetime.date(2024, 1, 3), Mood.HAPPY)],
        "model": TaskExecLog(log="hi", created_time=5),
        "keys": {2: "int", True: "bool", None: "none", Mood.HAPPY: "enum"},
    }

    result = returning(value)

    assert result.status == TaskResultStatus.COMPLETED, result.reason_for_incompletion
    assert result.output_data == {
        "when": "2024-01-02T03:04:05+00:00",
        "day": "2024-01-02",
        "at": "03:04:00",
        "id": "12345678-1234-5678-1234-567812345678",
        "amount": "10.50",
        "mood": "happy",
        "tags": ["a", "b"],
        "pair": [1, 2],
        "nested": [{"when": "2024-01-03", "mood": "happy"}],
        "model": {"log": "hi", "createdTime": 5},
        "keys": {"2": "int", "true": "bool", "null": "none", "happy": "enum"},
    }
    json.dumps(result.output_data, allow_nan=False)


def test_task_result_output_is_made_json_compatible_too() -> None:
    own = TaskResult().add_output_data("when", datetime.date(2024, 5, 6))

    assert returning(own).output_data == {"when": "2024-05-06"}


def test_the_callers_dict_is_not_modified() -> None:
    value = {"day": datetime.date(2024, 1, 2)}

    returning(value)

    assert value == {"day": datetime.date(2024, 1, 2)}


# --- unserialisable output --------------------------------------------------------------


class Opaque:
    pass


def circular() -> dict[str, Any]:
    data: dict[str, Any] = {"a": []}
    data["a"].append(data)
    return data


@pytest.mark.parametrize(
    ("value", "fragments"),
    [
        ({"thing": Opaque()}, ["output.thing", "Opaque"]),
        ({"list": [1, Opaque()]}, ["output.list[1]", "Opaque"]),
        ({"bad": float("nan")}, ["output.bad", "nan"]),
        ({"raw": b"bytes"}, ["output.raw", "bytes"]),
        ({(1, 2): "tuple key"}, ["output", "dict key"]),
        (circular(), ["circular"]),
        (Opaque(), ["output", "Opaque"]),
    ],
)
def test_unserialisable_output_fails_the_task_with_a_clear_reason(
    value: Any, fragments: list[str]
) -> None:
    result = returning(value)

    assert result.status == TaskResultStatus.FAILED
    assert result.reason_for_incompletion.startswith("Task output is not JSON-serialisable")
    for fragment in fragments:
        assert fragment in result.reason_for_incompletion
    assert result.output_data is None
    assert result.logs[-1].log == result.reason_for_incompletion


def test_unserialisable_task_result_output_fails_the_task() -> None:
    own = TaskResult(status="COMPLETED").add_output_data("x", Opaque())
    own.log("worked hard")

    result = returning(own)

    assert result.status == TaskResultStatus.FAILED
    assert "output.x" in result.reason_for_incompletion
    assert result.logs[0].log == "worked hard"


def test_too_deep_data_is_an_error_not_a_crash() -> None:
    deep: list[Any] = []
    for _ in range(1000):
        deep = [deep]

    with pytest.raises(OutputSerializationError, match="nested deeper"):
        to_json_compatible(deep)


def test_output_to_dict_rules_directly() -> None:
    assert output_to_dict(None) == {}
    assert output_to_dict({"a": (1,)}) == {"a": [1]}
    assert output_to_dict("x") == {"result": "x"}
    assert output_to_dict(Inner(datetime.date(2024, 1, 1), Mood.HAPPY)) == {
        "when": "2024-01-01",
        "mood": "happy",
    }


def test_plain_string_logs_in_a_returned_result_become_log_entries() -> None:
    own = TaskResult(status="COMPLETED")
    own.logs = ["plain text"]  # type: ignore[list-item]

    result = returning(own)

    assert isinstance(result.logs[0], TaskExecLog)
    assert (result.logs[0].log, result.logs[0].task_id) == ("plain text", "t-1")
