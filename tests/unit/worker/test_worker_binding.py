"""How task input binds to a worker function's parameters."""

# ruff: noqa: UP006, UP007, UP035, UP037, UP045 - the typing spellings users write, kept on purpose

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

import pytest
import sample_string_annotations
import sample_workers

from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.worker._execution import execute_task
from conductor.client.worker.worker import (
    Worker,
    is_callable_input_parameter_a_task,
    is_callable_return_value_of_type,
)


class Level(enum.Enum):
    LOW = 1
    HIGH = 2


@dataclass
class Pet:
    name: str
    age: int


class Plain:
    """Not a dataclass: built through its constructor."""

    def __init__(self, label: str, pets: List[Pet], size: int = 1) -> None:
        self.label = label
        self.pets = pets
        self.size = size


def make_task(input_data: dict[str, Any] | None = None) -> Task:
    return Task(task_id="t-1", workflow_instance_id="wf-1", input_data=input_data)


# --- the whole task ---------------------------------------------------------------------


def test_parameter_annotated_task_receives_the_task() -> None:
    seen = []

    def fn(task: Task) -> None:
        seen.append(task)

    task = make_task({"a": 1})
    execute_task(Worker("x", fn), task)

    assert seen == [task]


def test_single_unannotated_parameter_receives_the_task() -> None:
    seen = []

    def fn(input):  # type: ignore[no-untyped-def]  # as written in the seeds
        seen.append(input)

    task = make_task({"a": 1})
    execute_task(Worker("x", fn), task)

    assert seen == [task]


def test_single_object_parameter_receives_the_task() -> None:
    seen = []

    def fn(data: object) -> None:
        seen.append(data)

    task = make_task({"data": "ignored"})
    execute_task(Worker("x", fn), task)

    assert seen == [task]


def test_task_annotated_parameter_among_others_receives_the_task() -> None:
    seen: dict[str, Any] = {}

    def fn(task: Task, count: int) -> None:
        seen.update(task=task, count=count)

    task = make_task({"count": "3"})
    execute_task(Worker("x", fn), task)

    assert seen == {"task": task, "count": 3}


def test_unresolvable_task_annotation_still_receives_the_task() -> None:
    result = execute_task(
        Worker("x", sample_string_annotations.takes_task), make_task({"task": "no"})
    )

    assert result.output_data == {"task_id": "t-1"}


# --- inputs by name ---------------------------------------------------------------------


def test_typed_primitives_are_coerced() -> None:
    seen: dict[str, Any] = {}

    def fn(a: int, b: float, c: str, d: bool, e: bool, f: int) -> None:
        seen.update(a=a, b=b, c=c, d=d, e=e, f=f)

    execute_task(
        Worker("x", fn),
        make_task({"a": "42", "b": 3, "c": 7, "d": "true", "e": 0, "f": 5.0}),
    )

    assert seen == {"a": 42, "b": 3.0, "c": "7", "d": True, "e": False, "f": 5}
    assert [type(seen[k]) for k in "abcdef"] == [int, float, str, bool, bool, int]


def test_values_of_the_right_type_pass_unchanged() -> None:
    payload = {"name": "x", "items": [1, 2], "meta": {"k": "v"}}
    seen: dict[str, Any] = {}

    def fn(name: str, items: list, meta: dict) -> None:  # type: ignore[type-arg]
        seen.update(name=name, items=items, meta=meta)

    execute_task(Worker("x", fn), make_task(payload))

    assert seen == payload


def test_optional_parameters() -> None:
    seen: dict[str, Any] = {}

    def fn(a: Optional[int], b: Optional[int], c: Union[int, None] = 7) -> None:
        seen.update(a=a, b=b, c=c)

    execute_task(Worker("x", fn), make_task({"a": "5", "b": None}))

    assert seen == {"a": 5, "b": None, "c": 7}


def test_missing_key_gives_default_or_none() -> None:
    seen: dict[str, Any] = {}

    def fn(present: str, absent: int, with_default: str = "dflt") -> None:
        seen.update(present=present, absent=absent, with_default=with_default)

    execute_task(Worker("x", fn), make_task({"present": "here"}))

    assert seen == {"present": "here", "absent": None, "with_default": "dflt"}


def test_task_without_input_data_binds_defaults() -> None:
    result = execute_task(Worker("x", sample_workers.add_numbers), make_task(None))

    # a is None: the function's own failure becomes a FAILED result, not a crash
    assert result.status == TaskResultStatus.FAILED
    assert "NoneType" in result.reason_for_incompletion


def test_list_of_dataclasses() -> None:
    seen: list[Pet] = []

    def fn(pets: List[Pet]) -> None:
        seen.extend(pets)

    execute_task(
        Worker("x", fn), make_task({"pets": [{"name": "a", "age": "1"}, {"name": "b", "age": 2}]})
    )

    assert seen == [Pet("a", 1), Pet("b", 2)]


def test_nested_dataclass_from_future_annotations_module() -> None:
    order = {
        "order_id": "17",
        "items": [{"sku": "s1", "quantity": 2, "price": "1.5"}, {"sku": 9, "quantity": 1}],
        "shipping": {"city": "Oslo"},
        "extra_key": "ignored",
    }

    result = execute_task(
        Worker("x", sample_workers.order_total), make_task({"order": order, "discount": "0.5"})
    )

    assert result.status == TaskResultStatus.COMPLETED, result.reason_for_incompletion
    assert result.output_data == {
        "order_id": 17,
        "city": "Oslo",
        "total": 2.5,
        "first_item_type": "LineItem",
    }


def test_string_annotations_module() -> None:
    result = execute_task(
        Worker("x", sample_string_annotations.distance_squared),
        make_task({"points": [{"x": 1, "y": "2"}, {"x": 3, "y": 0}], "scale": "2"}),
    )

    assert result.status == TaskResultStatus.COMPLETED, result.reason_for_incompletion
    assert result.output_data == {"result": (1 + 4 + 9 + 0) * 2}


def test_quoted_annotations_in_this_module() -> None:
    seen: dict[str, Any] = {}

    def fn(pet: "Pet", level: "Level") -> None:
        seen.update(pet=pet, level=level)

    execute_task(Worker("x", fn), make_task({"pet": {"name": "n", "age": 3}, "level": 2}))

    assert seen == {"pet": Pet("n", 3), "level": Level.HIGH}


def test_dict_and_collection_types() -> None:
    seen: dict[str, Any] = {}

    def fn(
        scores: Dict[str, int], pets: dict[str, Pet], tags: set[str], pair: tuple[int, ...]
    ) -> None:
        seen.update(scores=scores, pets=pets, tags=tags, pair=pair)

    execute_task(
        Worker("x", fn),
        make_task(
            {
                "scores": {"a": "1", "b": 2},
                "pets": {"p": {"name": "n", "age": 1}},
                "tags": ["x", "y", "x"],
                "pair": [1, "2"],
            }
        ),
    )

    assert seen == {
        "scores": {"a": 1, "b": 2},
        "pets": {"p": Pet("n", 1)},
        "tags": {"x", "y"},
        "pair": (1, 2),
    }


def test_datetime_date_decimal_uuid_enum() -> None:
    seen: dict[str, Any] = {}
    an_id = uuid.uuid4()

    def fn(
        when: datetime.datetime,
        day: datetime.date,
        amount: decimal.Decimal,
        ident: uuid.UUID,
        level: Level,
    ) -> None:
        seen.update(when=when, day=day, amount=amount, ident=ident, level=level)

    execute_task(
        Worker("x", fn),
        make_task(
            {
                "when": "2024-01-31T10:00:00Z",
                "day": "2024-01-31",
                "amount": "10.50",
                "ident": str(an_id),
                "level": 1,
            }
        ),
    )

    assert seen == {
        "when": datetime.datetime(2024, 1, 31, 10, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 1, 31),
        "amount": decimal.Decimal("10.50"),
        "ident": an_id,
        "level": Level.LOW,
    }


def test_plain_class_is_built_from_its_constructor() -> None:
    seen: list[Plain] = []

    def fn(box: Plain) -> None:
        seen.append(box)

    execute_task(
        Worker("x", fn), make_task({"box": {"label": "L", "pets": [{"name": "a", "age": 1}]}})
    )

    assert (seen[0].label, seen[0].pets, seen[0].size) == ("L", [Pet("a", 1)], 1)


def test_var_keyword_receives_the_remaining_inputs() -> None:
    seen: dict[str, Any] = {}

    def fn(a: int, **rest: Any) -> None:
        seen.update(a=a, rest=rest)

    execute_task(Worker("x", fn), make_task({"a": "1", "b": 2, "c": 3}))

    assert seen == {"a": 1, "rest": {"b": 2, "c": 3}}


def test_single_var_keyword_receives_all_inputs() -> None:
    seen: dict[str, Any] = {}

    def fn(**inputs: Any) -> None:
        seen.update(inputs)

    execute_task(Worker("x", fn), make_task({"a": 1, "b": 2}))

    assert seen == {"a": 1, "b": 2}


def test_positional_only_parameters() -> None:
    seen: list[Any] = []

    def fn(a: int, b: str, /, c: int = 0) -> None:
        seen.extend([a, b, c])

    execute_task(Worker("x", fn), make_task({"a": "1", "b": "two", "c": "3"}))

    assert seen == [1, "two", 3]


def test_unannotated_parameters_among_several_get_raw_values() -> None:
    seen: dict[str, Any] = {}

    def fn(a, b):  # type: ignore[no-untyped-def]
        seen.update(a=a, b=b)

    execute_task(Worker("x", fn), make_task({"a": "1", "b": {"k": 1}}))

    assert seen == {"a": "1", "b": {"k": 1}}


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("input_data", "fragments"),
    [
        ({"a": "not a number"}, ["'a'", "int"]),
        ({"a": 1.5}, ["'a'", "int"]),
    ],
)
def test_bad_primitive_fails_the_task_naming_the_parameter(
    input_data: dict[str, Any], fragments: list[str]
) -> None:
    result = execute_task(Worker("x", sample_workers.add_numbers), make_task(input_data))

    assert result.status == TaskResultStatus.FAILED
    for fragment in fragments:
        assert fragment in result.reason_for_incompletion


def test_dict_that_cannot_become_the_dataclass_fails_clearly() -> None:
    order = {"order_id": 1, "items": [{"sku": "s", "quantity": "many"}], "shipping": {}}

    result = execute_task(Worker("x", sample_workers.order_total), make_task({"order": order}))

    assert result.status == TaskResultStatus.FAILED
    reason = result.reason_for_incompletion
    assert reason.startswith("Invalid input for parameter 'order'")
    assert "order.items" in reason or "order.shipping" in reason
    assert result.logs[0].log == reason


def test_non_dict_for_a_dataclass_fails_clearly() -> None:
    result = execute_task(Worker("x", sample_workers.order_total), make_task({"order": "order-17"}))

    assert result.status == TaskResultStatus.FAILED
    assert "parameter 'order'" in result.reason_for_incompletion
    assert "Order" in result.reason_for_incompletion


def test_missing_dataclass_field_fails_clearly() -> None:
    def fn(pet: Pet) -> None:
        raise AssertionError("not called")

    result = execute_task(Worker("x", fn), make_task({"pet": {"name": "n"}}))

    assert result.status == TaskResultStatus.FAILED
    assert 'missing value for field "pet.age"' in result.reason_for_incompletion


def test_bad_enum_value_fails_clearly() -> None:
    def fn(level: Level) -> None:
        raise AssertionError("not called")

    result = execute_task(Worker("x", fn), make_task({"level": 9}))

    assert result.status == TaskResultStatus.FAILED
    assert "parameter 'level'" in result.reason_for_incompletion


# --- the historical helper functions ----------------------------------------------------


def test_is_callable_input_parameter_a_task() -> None:
    def typed(task: Task) -> None: ...
    def bare(x):  # type: ignore[no-untyped-def]
        ...
    def obj(x: object) -> None: ...
    def other(x: int) -> None: ...
    def two(task: Task, y: int) -> None: ...

    assert is_callable_input_parameter_a_task(typed, Task)
    assert is_callable_input_parameter_a_task(bare, Task)
    assert is_callable_input_parameter_a_task(obj, Task)
    assert not is_callable_input_parameter_a_task(other, Task)
    assert not is_callable_input_parameter_a_task(two, Task)


def test_is_callable_return_value_of_type() -> None:
    def returns_task(task: Task) -> Task:
        return task

    def returns_nothing(task: Task):  # type: ignore[no-untyped-def]
        return None

    assert is_callable_return_value_of_type(returns_task, Task)
    assert not is_callable_return_value_of_type(returns_task, int)
    assert not is_callable_return_value_of_type(returns_nothing, Task)
