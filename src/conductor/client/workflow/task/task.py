"""The base of every workflow task: identity, inputs, expressions and the wire conversion."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from typing_extensions import Self

from conductor.client.http.models._base import Model
from conductor.client.http.models.workflow_task import CacheConfig, WorkflowTask
from conductor.client.workflow._checks import Checked
from conductor.client.workflow.task.task_type import TaskType


def get_task_interface_list_as_workflow_task_list(*tasks: TaskInterface) -> list[WorkflowTask]:
    """Convert tasks to ``WorkflowTask`` models, flattening tasks that expand to several."""
    converted: list[WorkflowTask] = []
    for task in tasks:
        workflow_task: WorkflowTask | list[WorkflowTask] = task.to_workflow_task()
        if isinstance(workflow_task, list):
            converted.extend(workflow_task)
        else:
            converted.append(workflow_task)
    return converted


def copy_task_list(tasks: TaskInterface | list[TaskInterface]) -> list[TaskInterface]:
    """Return a copy of ``tasks`` as a list (a single task becomes a one-task list)."""
    return deepcopy(tasks) if isinstance(tasks, list) else [deepcopy(tasks)]


def to_wire_value(value: Any) -> Any:
    """Return ``value`` as JSON-ready data, copying containers on the way.

    Enums become their values. Input helpers such as ``HttpInput`` (plain objects with
    ``swagger_types``/``attribute_map``) become dicts keyed by their JSON names, without the
    unset fields. Models are left for ``ApiClient.sanitize_for_serialization``.
    """
    if isinstance(value, Model):
        return deepcopy(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {key: to_wire_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire_value(item) for item in value]
    attribute_map = getattr(type(value), "attribute_map", None)
    if isinstance(attribute_map, Mapping):
        plain = {}
        for attribute, json_key in attribute_map.items():
            item = getattr(value, attribute, None)
            if item is not None:
                plain[json_key] = to_wire_value(item)
        return plain
    return value


def _check_parameter_name(key: Any) -> None:
    if not isinstance(key, str):
        raise TypeError(f"input parameter names must be str, got {key!r}")


def _expression(path: str, json_path: str | None) -> str:
    if json_path is None:
        return "${" + path + "}"
    separator = "" if json_path.startswith(".") else "."
    return "${" + path + separator + json_path + "}"


class TaskInterface(ABC):
    """A task in a workflow definition.

    Subclasses set the task type and their own fields; :meth:`to_workflow_task` turns the task
    into the ``WorkflowTask`` model the server expects. Reading an attribute the task does not
    have (and whose name does not start with ``_``) gives an expression for that key of the
    task's output: ``task.result`` is ``"${<ref>.output.result}"``.
    """

    task_reference_name: Checked[str] = Checked(str)
    task_type: Checked[TaskType] = Checked(TaskType)
    name: Checked[str] = Checked(str)
    description: Checked[str | None] = Checked(str, optional=True)
    optional: Checked[bool | None] = Checked(bool, optional=True)

    @abstractmethod
    def __init__(
        self,
        task_reference_name: str,
        task_type: TaskType,
        task_name: str | None = None,
        description: str | None = None,
        optional: bool | None = None,
        input_parameters: dict[str, Any] | None = None,
        cache_key: str | None = None,
        cache_ttl_second: int = 0,
    ) -> None:
        """Store the common task fields.

        Args:
            task_reference_name: Unique name of the task within the workflow.
            task_type: The server task type.
            task_name: The task (definition) name; defaults to the reference name.
            description: Free text shown in the UI.
            optional: When true, a failure of this task does not fail the workflow.
            input_parameters: Input of the task; values may hold ``${...}`` expressions.
            cache_key: Key under which the server caches the task's output.
            cache_ttl_second: How long the cached output stays valid; 0 disables caching.
        """
        self.task_reference_name = task_reference_name
        self.task_type = task_type
        self.name = task_name or task_reference_name
        self.description = description
        self.optional = optional
        self.input_parameters = input_parameters
        self._cache_key = cache_key
        self._cache_ttl_second = cache_ttl_second
        self._expression: str | None = None
        self._evaluator_type: str | None = None

    def __getattr__(self, name: str) -> str:
        # Only called when normal lookup fails: public names read as output expressions.
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.output(name)

    @property
    def input_parameters(self) -> dict[str, Any]:
        """The task's input (a copy of what was set); values may hold ``${...}`` expressions."""
        return self._input_parameters

    @input_parameters.setter
    def input_parameters(self, input_parameters: Mapping[str, Any] | None) -> None:
        if input_parameters is None:
            self._input_parameters: dict[str, Any] = {}
            return
        if not isinstance(input_parameters, Mapping):
            if not hasattr(input_parameters, "__dict__"):
                raise TypeError(f"input_parameters must be a dict, got {input_parameters!r}")
            input_parameters = vars(input_parameters)
        for key in input_parameters:
            _check_parameter_name(key)
        self._input_parameters = deepcopy(dict(input_parameters))

    @property
    def expression(self) -> str | None:
        """The expression the server evaluates for this task (SWITCH, JOIN, ...), if any."""
        return self._expression

    @expression.setter
    def expression(self, expression: str | None) -> None:
        self._expression = expression

    @property
    def evaluator_type(self) -> str | None:
        """How the server evaluates :attr:`expression` (``javascript``, ``graaljs``, ...)."""
        return self._evaluator_type

    @evaluator_type.setter
    def evaluator_type(self, evaluator_type: str | None) -> None:
        self._evaluator_type = evaluator_type

    def input_parameter(self, key: str, value: Any) -> Self:
        """Set one input parameter (a copy of ``value``) and return the task."""
        _check_parameter_name(key)
        self._input_parameters[key] = deepcopy(value)
        return self

    def cache(self, cache_key: str, cache_ttl_second: int) -> Self:
        """Let the server cache this task's output under ``cache_key`` for the given seconds."""
        self._cache_key = cache_key
        self._cache_ttl_second = cache_ttl_second
        return self

    def output(self, json_path: str | None = None) -> str:
        """Return the expression for this task's output, or for ``json_path`` inside it."""
        return _expression(f"{self.task_reference_name}.output", json_path)

    def input(
        self, json_path: str | None = None, key: str | None = None, value: Any = None
    ) -> str | Self:
        """Return the expression for this task's input, or set an input parameter.

        With ``key`` and ``value`` this sets the input parameter and returns the task (the
        older calling style); otherwise it returns ``"${<ref>.input[.json_path]}"``.
        """
        if key is not None and value is not None:
            return self.input_parameter(key, value)
        return _expression(f"{self.task_reference_name}.input", json_path)

    def to_workflow_task(self) -> WorkflowTask:
        """Return the ``WorkflowTask`` model of this task, as it goes into a workflow def."""
        cache_config = None
        if self._cache_key is not None and self._cache_ttl_second > 0:
            cache_config = CacheConfig(key=self._cache_key, ttl_in_second=self._cache_ttl_second)
        return WorkflowTask(
            name=self.name,
            task_reference_name=self.task_reference_name,
            type=self.task_type.value,
            description=self.description,
            input_parameters=to_wire_value(self._input_parameters),
            optional=self.optional,
            cache_config=cache_config,
            expression=self._expression,
            evaluator_type=self._evaluator_type,
        )
