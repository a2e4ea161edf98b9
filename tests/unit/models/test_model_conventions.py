"""Conventions every model of ``conductor.client.http.models`` follows."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

import pytest

import conductor.client.http.models as models
from conductor.client.http.models._base import Model
from conductor.client.http.models.start_workflow_request import IdempotencyStrategy

PRIMITIVE_TYPES = {"str", "int", "float", "bool", "object", "date", "datetime"}

# Keyword defaults that are not None, as in conductor-python.
NON_NONE_DEFAULTS: dict[tuple[str, str], Any] = {
    ("TaskResult", "extend_lease"): False,
    ("TaskDef", "enforce_schema"): False,
    ("StartWorkflowRequest", "idempotency_strategy"): IdempotencyStrategy.FAIL,
    ("SchemaDef", "version"): 1,
}
# Constructor keywords named differently from the field they set.
KEYWORD_ALIASES = {("StateChangeConfig", "event_type"): "type"}


def _model_classes_defined_in_package() -> list[type[Model]]:
    found: dict[str, type[Model]] = {}
    for info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"{models.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Model)
                and value is not Model
                and value.__module__ == module.__name__
            ):
                found[value.__name__] = value
    return sorted(found.values(), key=lambda cls: cls.__name__)


MODEL_CLASSES = _model_classes_defined_in_package()
MODEL_IDS = [cls.__name__ for cls in MODEL_CLASSES]


def parse_type(type_string: str) -> set[str]:
    """Return the model names a swagger type string refers to; raise on a malformed string."""
    names: set[str] = set()
    rest = _parse(type_string, names)
    if rest:
        raise ValueError(f"trailing text {rest!r} in {type_string!r}")
    return names


def _parse(text: str, names: set[str]) -> str:
    if text.startswith("list["):
        rest = _parse(text[len("list[") :], names)
        if not rest.startswith("]"):
            raise ValueError(f"unclosed list in {text!r}")
        return rest[1:]
    if text.startswith("dict("):
        rest = _parse(text[len("dict(") :], names)
        if not rest.startswith(", "):
            raise ValueError(f"dict needs 'dict(K, V)': {text!r}")
        rest = _parse(rest[2:], names)
        if not rest.startswith(")"):
            raise ValueError(f"unclosed dict in {text!r}")
        return rest[1:]
    match = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text)
    if match is None:
        raise ValueError(f"expected a type name at {text!r}")
    name = match.group(0)
    if name not in PRIMITIVE_TYPES:
        names.add(name)
    return text[match.end() :]


def test_parse_type_understands_the_generated_convention() -> None:
    assert parse_type("dict(str, list[WorkflowTask])") == {"WorkflowTask"}
    assert parse_type("list[list[WorkflowTask]]") == {"WorkflowTask"}
    assert parse_type("dict(str, object)") == set()
    for bad in ("Dict[str, object]", "list[Task", "dict(str,Task)", "list[Task]]"):
        with pytest.raises(ValueError, match=r"."):
            parse_type(bad)


def test_every_model_module_class_is_exported_from_the_package() -> None:
    exported = {name for name in models.__all__ if isinstance(getattr(models, name), type)}
    assert {cls.__name__ for cls in MODEL_CLASSES} <= exported
    for cls in MODEL_CLASSES:
        assert getattr(models, cls.__name__) is cls


def test_the_models_conductor_python_users_import_are_exported() -> None:
    expected = {
        "Task",
        "TaskResult",
        "TaskResultStatus",
        "TaskExecLog",
        "TaskDef",
        "PollData",
        "WorkflowDef",
        "WorkflowTask",
        "CacheConfig",
        "StartWorkflowRequest",
        "IdempotencyStrategy",
        "Workflow",
        "WorkflowRun",
        "WorkflowStatus",
        "Token",
        "GenerateTokenRequest",
        "SubWorkflowParams",
        "RerunWorkflowRequest",
        "SkipTaskRequest",
        "ExternalStorageLocation",
        "TaskSummary",
        "WorkflowSummary",
        "SearchResultTask",
        "SearchResultTaskSummary",
        "SearchResultWorkflow",
        "SearchResultWorkflowSummary",
        "StateChangeEvent",
        "SchemaDef",
        "BulkResponse",
    }
    assert expected <= set(models.__all__)
    assert all(hasattr(models, name) for name in models.__all__)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=MODEL_IDS)
def test_swagger_types_only_reference_exported_models(cls: type[Model]) -> None:
    for field, type_string in cls.swagger_types.items():
        for name in parse_type(type_string):
            referenced = getattr(models, name, None)
            assert isinstance(referenced, type), f"{cls.__name__}.{field}: {name} not exported"
            assert issubclass(referenced, Model), f"{cls.__name__}.{field}: {name} not a model"


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=MODEL_IDS)
def test_attribute_map_covers_swagger_types_with_unique_json_names(cls: type[Model]) -> None:
    assert list(cls.attribute_map) == list(cls.swagger_types)
    json_names = list(cls.attribute_map.values())
    assert len(json_names) == len(set(json_names)), json_names
    for field, json_name in cls.attribute_map.items():
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", json_name), (field, json_name)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=MODEL_IDS)
def test_constructor_takes_every_field_with_the_documented_defaults(cls: type[Model]) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = [KEYWORD_ALIASES.get((cls.__name__, p.name), p.name) for p in parameters]
    assert sorted(fields) == sorted(cls.swagger_types)
    for parameter in parameters:
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        expected = NON_NONE_DEFAULTS.get((cls.__name__, parameter.name))
        assert parameter.default == expected, (cls.__name__, parameter.name)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=MODEL_IDS)
def test_a_model_built_without_arguments_is_plain_and_comparable(cls: type[Model]) -> None:
    first, second = cls(), cls()
    assert first == second
    assert (first != second) is False
    assert first != object()
    assert first.discriminator is None
    as_dict = first.to_dict()
    assert list(as_dict) == list(cls.swagger_types)
    assert repr(first) == first.to_str()
    with pytest.raises(TypeError):
        hash(first)


@pytest.mark.parametrize(
    "cls", [cls for cls in MODEL_CLASSES if cls.allowed_values], ids=lambda cls: cls.__name__
)
def test_allowed_values_are_enforced_by_the_setters(cls: type[Model]) -> None:
    for field, allowed in cls.allowed_values.items():
        model = cls()
        for value in allowed:
            setattr(model, field, value)
            assert getattr(model, field) == value
        setattr(model, field, None)
        assert getattr(model, field) is None
        for bad in ("NOT_A_" + field.upper(), "", 3):
            with pytest.raises(ValueError, match=field):
                setattr(model, field, bad)
            with pytest.raises(ValueError, match=field):
                cls(**{field: bad})


def test_models_with_allowed_values() -> None:
    assert set(models.Task.allowed_values["status"]) == {
        "IN_PROGRESS",
        "CANCELED",
        "FAILED",
        "FAILED_WITH_TERMINAL_ERROR",
        "COMPLETED",
        "COMPLETED_WITH_ERRORS",
        "SCHEDULED",
        "TIMED_OUT",
        "SKIPPED",
    }
    workflow_statuses = {"RUNNING", "COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED", "PAUSED"}
    for cls in (models.Workflow, models.WorkflowRun, models.WorkflowStatus, models.WorkflowSummary):
        assert set(cls.allowed_values["status"]) == workflow_statuses
    assert set(models.TaskDef.allowed_values["timeout_policy"]) == {
        "RETRY",
        "TIME_OUT_WF",
        "ALERT_ONLY",
    }
    assert set(models.TaskDef.allowed_values["retry_logic"]) == {
        "FIXED",
        "EXPONENTIAL_BACKOFF",
        "LINEAR_BACKOFF",
    }
    assert set(models.WorkflowDef.allowed_values["timeout_policy"]) == {"TIME_OUT_WF", "ALERT_ONLY"}


def test_to_dict_recurses_into_models_in_lists_and_dicts_with_snake_case_keys() -> None:
    inner = models.WorkflowTask(name="a", task_reference_name="a_ref")
    outer = models.WorkflowTask(
        name="switch",
        task_reference_name="switch_ref",
        type="SWITCH",
        decision_cases={"yes": [inner]},
        default_case=[inner],
        fork_tasks=[[inner]],
        task_definition=models.TaskDef(name="switch", retry_count=2),
    )
    as_dict = outer.to_dict()
    inner_dict = inner.to_dict()
    assert inner_dict["task_reference_name"] == "a_ref"
    assert as_dict["decision_cases"] == {"yes": [inner_dict]}
    assert as_dict["default_case"] == [inner_dict]
    assert as_dict["fork_tasks"] == [[inner_dict]]
    assert as_dict["task_definition"]["retry_count"] == 2
    assert "taskReferenceName" not in as_dict


def test_fields_are_properties_over_private_attributes() -> None:
    task = models.Task(task_id="t-1")
    assert isinstance(type(task).__dict__["task_id"], property)
    assert task.__dict__["_task_id"] == "t-1"
    task.task_id = "t-2"
    assert task.__dict__["_task_id"] == "t-2"
    assert models.Task(task_id="t-2") == task


def test_equality_compares_every_field() -> None:
    assert models.PollData("q", "d", "w", 1) == models.PollData("q", "d", "w", 1)
    assert models.PollData("q", "d", "w", 1) != models.PollData("q", "d", "w", 2)
    assert models.TaskExecLog("x") != models.PollData()
