"""Property: Task and TaskResult rebuilt from ``to_dict()`` or from JSON equal the original."""

from __future__ import annotations

import enum
import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import conductor.client.http.models as models
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models import Task, TaskResult, TaskResultStatus
from conductor.client.http.models._base import Model

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
PRIMITIVES = {
    "str": st.text(max_size=30),
    "int": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "bool": st.booleans(),
    "object": JSON_VALUES,
}
# Fields whose accessor coerces to an enum rather than checking allowed_values.
ENUM_FIELDS: dict[tuple[type[Model], str], type[enum.Enum]] = {
    (TaskResult, "status"): TaskResultStatus,
}


def _split(type_string: str) -> tuple[str, list[str]]:
    """Return ('list', [item]), ('dict', [key, value]) or (name, [])."""
    if type_string.startswith("list[") and type_string.endswith("]"):
        return "list", [type_string[5:-1]]
    match = re.fullmatch(r"dict\(([^,]+), (.+)\)", type_string)
    if match:
        return "dict", [match.group(1), match.group(2)]
    return type_string, []


def value_strategy(type_string: str, depth: int, wire: bool) -> st.SearchStrategy[Any]:
    kind, args = _split(type_string)
    if kind == "list":
        return st.lists(value_strategy(args[0], depth, wire), max_size=3)
    if kind == "dict":
        item = value_strategy(args[1], depth, wire)
        return st.dictionaries(st.text(max_size=10), item, max_size=3)
    if kind in PRIMITIVES:
        return PRIMITIVES[kind]
    return model_strategy(getattr(models, kind), depth - 1, wire=wire)


def _fields_with_defaults(cls: type[Model]) -> set[str]:
    """Fields a model built without arguments does not leave None (TaskDef.enforce_schema...)."""
    blank = cls()
    return {name for name in cls.swagger_types if getattr(blank, name) is not None}


def model_strategy(
    cls: type[Model], depth: int = 2, *, wire: bool = False
) -> st.SearchStrategy[Any]:
    """Models of ``cls`` with random values (or None) in every field; nesting stops at depth 0.

    With ``wire=True`` fields that have a non-None default never get None: the wire drops
    None fields, so a decoded model would show the default instead.
    """
    if depth < 0:
        return st.none()
    required = _fields_with_defaults(cls) if wire else set()
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, type_string in cls.swagger_types.items():
        enum_cls = ENUM_FIELDS.get((cls, name))
        if enum_cls is not None:
            strategy: st.SearchStrategy[Any] = st.sampled_from(list(enum_cls)) | st.sampled_from(
                [member.name for member in enum_cls]
            )
        elif name in cls.allowed_values:
            strategy = st.sampled_from(list(cls.allowed_values[name]))
        else:
            strategy = value_strategy(type_string, depth, wire)
        fields[name] = strategy if name in required else st.none() | strategy
    return st.fixed_dictionaries(fields).map(lambda kwargs: cls(**kwargs))


def rebuild(type_string: str, value: Any) -> Any:
    """Turn a ``to_dict()`` value back into what the constructor takes."""
    if value is None:
        return None
    kind, args = _split(type_string)
    if kind == "list":
        return [rebuild(args[0], item) for item in value]
    if kind == "dict":
        return {key: rebuild(args[1], item) for key, item in value.items()}
    if kind in PRIMITIVES:
        return value
    cls = getattr(models, kind)
    return cls(**{name: rebuild(cls.swagger_types[name], item) for name, item in value.items()})


@settings(deadline=None, max_examples=75)
@given(model_strategy(Task))
def test_task_round_trips_through_to_dict(task: Task) -> None:
    as_dict = task.to_dict()
    assert list(as_dict) == list(Task.swagger_types)
    assert rebuild("Task", as_dict) == task


@settings(deadline=None, max_examples=75)
@given(model_strategy(TaskResult))
def test_task_result_round_trips_through_to_dict(result: TaskResult) -> None:
    assert result.status is None or isinstance(result.status, TaskResultStatus)
    assert rebuild("TaskResult", result.to_dict()) == result


@settings(deadline=None, max_examples=50)
@given(model_strategy(Task), st.sampled_from(list(TaskResultStatus)))
def test_to_task_result_keeps_ids(task: Task, status: TaskResultStatus) -> None:
    result = task.to_task_result(status)
    assert (result.task_id, result.workflow_instance_id, result.worker_id) == (
        task.task_id,
        task.workflow_instance_id,
        task.worker_id,
    )
    assert result.status is status


def _through_the_wire(model: Model, response_type: str) -> Any:
    """Serialise like a request body, then deserialise like a response body."""
    client = ApiClient()
    wire = json.loads(json.dumps(client.sanitize_for_serialization(model)))
    return client.deserialize_class(wire, response_type)


@settings(deadline=None, max_examples=75)
@given(model_strategy(Task, wire=True))
def test_task_round_trips_through_json(task: Task) -> None:
    assert _through_the_wire(task, "Task") == task


@settings(deadline=None, max_examples=75)
@given(model_strategy(TaskResult, wire=True))
def test_task_result_round_trips_through_json(result: TaskResult) -> None:
    assert result.extend_lease is not None
    assert _through_the_wire(result, "TaskResult") == result
