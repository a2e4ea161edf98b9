"""ApiClient.sanitize_for_serialization and deserialize: one test per rule."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import logging
import uuid
from collections import OrderedDict
from typing import Any, ClassVar

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from conductor.client.http import models
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import (
    StartWorkflowRequest,
    Task,
    TaskExecLog,
    TaskResult,
    TaskResultStatus,
    WorkflowDef,
    WorkflowTask,
)
from conductor.client.http.models._base import Model
from conductor.client.http.rest import ApiException, RESTResponse


@pytest.fixture(scope="module")
def client() -> ApiClient:
    return ApiClient()


@pytest.fixture(autouse=True)
def _test_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the test models resolvable by name, like the package's own models."""
    monkeypatch.setattr(models, "HttpTestInner", HttpTestInner, raising=False)
    monkeypatch.setattr(models, "HttpTestOuter", HttpTestOuter, raising=False)


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Shape(enum.Enum):
    SQUARE = (4, 90)


@dataclasses.dataclass
class Point:
    x: int
    label: str | None = None
    when: datetime.date | None = None


class Plain:
    def __init__(self) -> None:
        self.name = "p"
        self.missing = None
        self.tags = {"a", "b"}


class Slotted:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 1

    def __str__(self) -> str:
        return "Slotted(1)"


class HttpTestInner(Model):
    swagger_types: ClassVar[dict[str, str]] = {"weight": "float", "seen_at": "datetime"}
    attribute_map: ClassVar[dict[str, str]] = {"weight": "weight", "seen_at": "seenAt"}

    def __init__(self, weight: float | None = None, seen_at: Any = None) -> None:
        self._init_fields(locals())


class HttpTestOuter(Model):
    swagger_types: ClassVar[dict[str, str]] = {
        "outer_id": "str",
        "count": "int",
        "inner": "HttpTestInner",
        "items": "list[HttpTestInner]",
        "by_name": "dict(str, list[HttpTestInner])",
        "tags": "set[str]",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "outer_id": "outerId",
        "count": "count",
        "inner": "inner",
        "items": "items",
        "by_name": "byName",
        "tags": "tags",
    }

    def __init__(self, **values: Any) -> None:
        self._init_fields(values)


class LegacyModel:
    """A swagger-generated class that does not use our Model base."""

    swagger_types: ClassVar[dict[str, str]] = {"first_name": "str"}
    attribute_map: ClassVar[dict[str, str]] = {"first_name": "firstName"}

    def __init__(self, first_name: str | None = None) -> None:
        self._first_name = first_name

    @property
    def first_name(self) -> str | None:
        return self._first_name

    @first_name.setter
    def first_name(self, value: str | None) -> None:
        self._first_name = value.upper() if value else value


# -- sanitize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("text", "text"),
        (7, 7),
        (2.5, 2.5),
        (True, True),
        ([1, "a", None], [1, "a", None]),
        ((1, 2), [1, 2]),
        (frozenset({3}), [3]),
        ({"a": None, "b": {"c": (1,)}}, {"a": None, "b": {"c": [1]}}),
        ({1: "x", Colour.RED: "y"}, {"1": "x", "red": "y"}),
        (datetime.datetime(2024, 5, 1, 12, 30, 5), "2024-05-01T12:30:05"),
        (
            datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc),
            "2024-05-01T12:00:00+00:00",
        ),
        (datetime.date(2024, 5, 1), "2024-05-01"),
        (datetime.time(8, 15), "08:15:00"),
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678"),
        (decimal.Decimal("12"), 12),
        (decimal.Decimal("12.50"), 12.5),
        (decimal.Decimal("NaN"), "NaN"),
        (Colour.RED, "red"),
        (Level.HIGH, 3),
        (Shape.SQUARE, "SQUARE"),
        (TaskResultStatus.FAILED, "FAILED"),
        (b"\x00\xffbytes", "AP9ieXRlcw=="),
        (CaseInsensitiveDict({"A": 1}), {"A": 1}),
        (OrderedDict([("z", 1), ("a", 2)]), {"z": 1, "a": 2}),
        (Point(1, when=datetime.date(2024, 1, 2)), {"x": 1, "label": None, "when": "2024-01-02"}),
        (Slotted(), "Slotted(1)"),
    ],
    ids=repr,
)
def test_sanitize_rule(client, value, expected) -> None:
    result = client.sanitize_for_serialization(value)

    assert result == expected
    assert type(result) is type(expected)
    json.dumps(result)  # always JSON-ready


def test_sanitize_set_becomes_a_list(client) -> None:
    assert sorted(client.sanitize_for_serialization({"b", "a"})) == ["a", "b"]


def test_sanitize_plain_object_uses_its_attributes_without_nones(client) -> None:
    result = client.sanitize_for_serialization(Plain())

    assert result.keys() == {"name", "tags"}
    assert sorted(result["tags"]) == ["a", "b"]


def test_sanitize_model_uses_json_names_and_drops_nones(client) -> None:
    when = datetime.datetime(2024, 1, 1, 0, 0)
    outer = HttpTestOuter(
        outer_id="o1",
        inner=HttpTestInner(weight=1.5, seen_at=when),
        items=[HttpTestInner(weight=2.0)],
    )

    assert client.sanitize_for_serialization(outer) == {
        "outerId": "o1",
        "inner": {"weight": 1.5, "seenAt": "2024-01-01T00:00:00"},
        "items": [{"weight": 2.0}],
    }


def test_sanitize_task_result_with_logs(client) -> None:
    result = TaskResult(
        task_id="t1", workflow_instance_id="w1", status="FAILED", reason_for_incompletion="boom"
    )
    result.logs = [TaskExecLog(log="trace", task_id="t1", created_time=5)]

    assert client.sanitize_for_serialization(result) == {
        "taskId": "t1",
        "workflowInstanceId": "w1",
        "status": "FAILED",
        "reasonForIncompletion": "boom",
        "logs": [{"log": "trace", "taskId": "t1", "createdTime": 5}],
        "extendLease": False,
    }


def test_sanitize_model_inside_user_data(client) -> None:
    output = {"task": Task(task_id="t1"), "points": [Point(2)]}

    assert client.sanitize_for_serialization(output) == {
        "task": {"taskId": "t1"},
        "points": [{"x": 2, "label": None, "when": None}],
    }


def test_sanitize_swagger_style_class_goes_through_its_accessors(client) -> None:
    assert client.sanitize_for_serialization(LegacyModel("ann")) == {"firstName": "ann"}


def test_sanitize_start_workflow_request_enum_default(client) -> None:
    request = StartWorkflowRequest(name="wf", version=1, input={"a": 1})

    body = client.sanitize_for_serialization(request)

    assert body["name"] == "wf"
    assert body["input"] == {"a": 1}
    assert all(value is not None for value in body.values())
    json.dumps(body)


def test_sanitize_workflow_def_with_nested_tasks(client) -> None:
    definition = WorkflowDef(
        name="wf",
        tasks=[WorkflowTask(name="a", task_reference_name="a_ref", input_parameters={"x": 1})],
    )

    task = client.sanitize_for_serialization(definition)["tasks"][0]

    assert (task["name"], task["taskReferenceName"], task["inputParameters"]) == (
        "a",
        "a_ref",
        {"x": 1},
    )
    assert None not in task.values()


# -- deserialize ----------------------------------------------------------------------------


def _response(status: int, body: bytes, content_type: str = "application/json") -> RESTResponse:
    raw = requests.Response()
    raw.status_code = status
    raw.reason = "OK" if status < 300 else "Error"
    raw._content = body
    raw.headers = CaseInsensitiveDict({"Content-Type": content_type})
    raw.url = "http://conductor.test/api/x"
    return RESTResponse(raw)


@pytest.mark.parametrize(
    ("body", "content_type", "type_string", "expected"),
    [
        (b'"quoted-id"', "application/json", "str", "quoted-id"),
        (b"plain-id", "text/plain;charset=UTF-8", "str", "plain-id"),
        (b"{not json", "application/json", "str", "{not json"),
        (b"3", "text/plain", "int", 3),
        (b"2.5", "application/json", "float", 2.5),
        (b"true", "application/json", "bool", True),
        (b'{"a": 1, "b": [true]}', "application/json", "object", {"a": 1, "b": [True]}),
        (b"not json at all", "text/plain", "object", "not json at all"),
        (b'{"a": 1}', "application/json", "dict(str, int)", {"a": 1}),
        (b'{"a": {"b": {"size": 2}}}', "application/json", "dict(str, dict(str, dict(str, int)))",
         {"a": {"b": {"size": 2}}}),
        (b'["x", "y", "x"]', "application/json", "set[str]", {"x", "y"}),
        (b'["x", null]', "application/json", "list[str]", ["x", None]),
        (b'"2024-05-01T12:00:00Z"', "application/json", "datetime",
         datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc)),
        (b"1714564800000", "application/json", "datetime",
         datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc)),
        (b'"2024-05-01"', "application/json", "date", datetime.date(2024, 5, 1)),
    ],
)  # fmt: skip
def test_deserialize_rule(client, body, content_type, type_string, expected) -> None:
    assert client.deserialize(_response(200, body, content_type), type_string) == expected


@pytest.mark.parametrize("status_body", [(204, b""), (200, b"")], ids=["204", "empty-200"])
@pytest.mark.parametrize("type_string", ["Task", "list[Task]", "str", "object"])
def test_deserialize_no_content_is_none(client, status_body, type_string) -> None:
    status, body = status_body

    assert client.deserialize(_response(status, body), type_string) is None


def test_deserialize_without_a_response_type_ignores_the_body(client) -> None:
    assert client.deserialize(_response(200, b'{"a": 1}'), None) is None


def test_deserialize_nested_models(client) -> None:
    body = {
        "outerId": "o1",
        "count": "4",
        "inner": {"weight": 1, "seenAt": "2024-01-01T00:00:00"},
        "items": [{"weight": 2.5}, None],
        "byName": {"k": [{"weight": 3.0}]},
        "tags": ["a", "a"],
        "unknownField": {"ignored": True},
    }

    outer = client.deserialize(_response(200, json.dumps(body).encode()), "HttpTestOuter")

    assert isinstance(outer, HttpTestOuter)
    assert (outer.outer_id, outer.count, outer.tags) == ("o1", 4, {"a"})
    assert outer.inner == HttpTestInner(weight=1.0, seen_at=datetime.datetime(2024, 1, 1))
    assert isinstance(outer.inner.weight, float)
    assert outer.items == [HttpTestInner(weight=2.5), None]
    assert outer.by_name == {"k": [HttpTestInner(weight=3.0)]}
    assert not hasattr(outer, "unknown_field")


def test_deserialize_list_of_models_from_the_models_package(client) -> None:
    body = json.dumps([{"taskId": "t1", "status": "SCHEDULED", "inputData": {"a": None}}])

    tasks = client.deserialize(_response(200, body.encode()), "list[Task]")

    assert tasks == [Task(task_id="t1", status="SCHEDULED", input_data={"a": None})]


def test_deserialize_runs_hand_written_setters(client) -> None:
    body = b'{"taskId": "t1", "status": "IN_PROGRESS", "callbackAfterSeconds": 30}'

    result = client.deserialize(_response(200, body), "TaskResult")

    assert result.status is TaskResultStatus.IN_PROGRESS
    assert result.callback_after_seconds == 30


def test_deserialize_is_lenient_about_statuses_the_sdk_does_not_know(client) -> None:
    task = client.deserialize(_response(200, b'{"taskId": "t1", "status": "PAUSED_NEW"}'), "Task")

    assert task.status == "PAUSED_NEW"


def test_deserialize_swagger_style_class(client) -> None:
    legacy = client.deserialize_class({"firstName": "ann"}, LegacyModel)

    assert legacy.first_name == "ANN"  # set through its own setter


def test_deserialize_unknown_model_name_keeps_the_json(client, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        value = client.deserialize(_response(200, b'{"a": 1}'), "NoSuchModel")

    assert value == {"a": 1}
    assert "Unknown model 'NoSuchModel'" in caplog.text


@pytest.mark.parametrize(
    ("body", "type_string", "why"),
    [
        (b"{oops", "Task", "not valid JSON"),
        (b"[1, 2]", "Task", "expected a JSON object for Task, got list"),
        (b'{"a": 1}', "list[Task]", "expected a JSON array, got dict"),
        (b'["x"]', "dict(str, int)", "expected a JSON object, got list"),
        (b'{"a": "x"}', "dict(str, int)", "invalid literal for int"),
        (b'"yesterday"', "datetime", "Invalid isoformat string"),
    ],
)
def test_deserialize_unreadable_body_is_an_api_exception(client, body, type_string, why) -> None:
    with pytest.raises(ApiException) as caught:
        client.deserialize(_response(200, body), type_string)

    exc = caught.value
    assert exc.status == 200
    assert exc.reason.startswith(f"the response body could not be parsed as {type_string}: ")
    assert why in exc.reason


def test_deserialize_class_accepts_native_classes(client) -> None:
    assert client.deserialize_class("5", int) == 5
    assert client.deserialize_class({"a": 1}, object) == {"a": 1}
    assert client.deserialize_class(None, "Task") is None


def test_decoded_models_keep_constructor_defaults_and_share_no_state(client) -> None:
    first = client.deserialize_class({"taskId": "t-1"}, "TaskResult")
    second = client.deserialize_class({}, "TaskResult")
    one = client.deserialize_class({"name": "a"}, "WorkflowDef")
    two = client.deserialize_class({"name": "b"}, "WorkflowDef")

    first.add_output_data("k", "v")
    one.tasks.append(WorkflowTask(name="x", task_reference_name="x", type="SIMPLE"))

    assert (first.extend_lease, second.extend_lease) == (False, False)
    assert second.task_id is None
    assert second.output_data is None
    assert two.tasks == []
    assert two.output_parameters == {}


def test_type_strings_are_compiled_once(client) -> None:
    from conductor.client.http._serialization import decoder_for

    assert decoder_for("dict(str, list[Task])") is decoder_for("dict(str, list[Task])")


def test_roundtrip_of_a_model_through_json(client) -> None:
    outer = HttpTestOuter(
        outer_id="o", count=2, items=[HttpTestInner(weight=1.5)], by_name={"k": []}
    )

    wire = json.dumps(client.sanitize_for_serialization(outer)).encode()

    assert client.deserialize(_response(200, wire), "HttpTestOuter") == outer
