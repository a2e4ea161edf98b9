"""Task and workflow definitions: validation, defaults and storage.

Differences from a default Conductor server, on purpose: ``ownerEmail`` is optional (as in the
project's docker configurations), and only SIMPLE tasks may appear in workflow definitions,
because this server runs no system tasks.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from conductor.client.testing._errors import (
    conflict,
    java_text,
    not_found,
    server_error,
    validation_error,
)
from conductor.client.testing._records import JsonDict, default_task_def, now_ms

RETRY_LOGIC = frozenset({"FIXED", "LINEAR_BACKOFF", "EXPONENTIAL_BACKOFF"})
TASK_TIMEOUT_POLICIES = frozenset({"RETRY", "TIME_OUT_WF", "ALERT_ONLY"})
WORKFLOW_TIMEOUT_POLICIES = frozenset({"TIME_OUT_WF", "ALERT_ONLY"})
_TASK_DEF_INTS = (
    "retryCount",
    "timeoutSeconds",
    "retryDelaySeconds",
    "responseTimeoutSeconds",
    "totalTimeoutSeconds",
    "backoffScaleFactor",
    "maxRetryDelaySeconds",
    "backoffJitterMs",
)
Problem = tuple[str, str, Any]


def _require_object(value: Any, what: str) -> JsonDict:
    if not isinstance(value, dict):
        raise server_error(f"JSON parse error: cannot deserialize {what} from {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return "an array" if isinstance(value, list) else type(value).__name__


def _as_int(raw: JsonDict, key: str, what: str) -> None:
    value = raw.get(key)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise server_error(f"JSON parse error: {what}.{key} must be a number, got {value!r}")
    raw[key] = int(value)


def normalize_task_def(raw: Any) -> JsonDict:
    """A TaskDef with Conductor's defaults filled in; 500 for values of the wrong type."""
    raw = copy.deepcopy(_require_object(raw, "TaskDef"))
    for key in _TASK_DEF_INTS:
        _as_int(raw, key, "TaskDef")
    _check_enum(raw, "retryLogic", RETRY_LOGIC, "TaskDef")
    _check_enum(raw, "timeoutPolicy", TASK_TIMEOUT_POLICIES, "TaskDef")
    merged = default_task_def(str(raw.get("name") or ""))
    merged.update({key: value for key, value in raw.items() if value is not None})
    return merged


def _check_enum(raw: JsonDict, key: str, allowed: frozenset[str], what: str) -> None:
    value = raw.get(key)
    if value is not None and value not in allowed:
        raise server_error(f"JSON parse error: {what}.{key}: no enum constant {value!r}")


def task_def_problems(task_def: JsonDict, path: str) -> list[Problem]:
    """Bean-validation problems of a normalised TaskDef (empty when valid)."""
    name = task_def.get("name")
    problems: list[Problem] = []
    if not name:
        problems.append((f"{path}.name", "TaskDef name cannot be null or empty", name))
    if task_def["retryCount"] < 0:
        message = f"TaskDef: {name} retryCount: {task_def['retryCount']} must be >= 0"
        problems.append((f"{path}.retryCount", message, task_def["retryCount"]))
    response, total = task_def["responseTimeoutSeconds"], task_def["totalTimeoutSeconds"]
    timeout = task_def["timeoutSeconds"]
    if response < 1:
        message = f"TaskDef: {name} responseTimeoutSeconds: {response} must be greater than 0"
        problems.append((f"{path}.responseTimeoutSeconds", message, response))
    if timeout > 0 and response > timeout:
        message = (
            f"TaskDef: {name} responseTimeoutSeconds: {response} must be less than "
            f"timeoutSeconds: {timeout}"
        )
        problems.append((path, message, None))
    if timeout > 0 and total > 0 and timeout > total:
        message = (
            f"TaskDef: {name} timeoutSeconds: {timeout} must be less than or equal to "
            f"totalTimeoutSeconds: {total}"
        )
        problems.append((path, message, None))
    return problems


def normalize_workflow_def(raw: Any, path: str) -> JsonDict:
    """A validated WorkflowDef with defaults filled in; raises 400 with every problem found."""
    raw = copy.deepcopy(_require_object(raw, "WorkflowDef"))
    for key in ("version", "schemaVersion", "timeoutSeconds"):
        _as_int(raw, key, "WorkflowDef")
    _check_enum(raw, "timeoutPolicy", WORKFLOW_TIMEOUT_POLICIES, "WorkflowDef")
    definition: JsonDict = {
        "name": raw.get("name"),
        "version": 1,
        "tasks": [],
        "inputParameters": [],
        "outputParameters": {},
        "schemaVersion": 2,
        "restartable": True,
        "workflowStatusListenerEnabled": False,
        "timeoutPolicy": "ALERT_ONLY",
        "timeoutSeconds": 0,
        "variables": {},
        "inputTemplate": {},
        "enforceSchema": True,
    }
    definition.update({key: value for key, value in raw.items() if value is not None})
    problems = _workflow_def_problems(definition, path)
    if problems:
        raise validation_error(problems)
    definition["tasks"] = [_normalize_workflow_task(task) for task in definition["tasks"]]
    return definition


def _workflow_def_problems(definition: JsonDict, path: str) -> list[Problem]:
    name = definition.get("name")
    problems: list[Problem] = []
    if not name or not isinstance(name, str):
        problems.append((f"{path}.name", "WorkflowDef name cannot be null or empty", name))
    if definition["schemaVersion"] != 2:
        message = "workflowDef schemaVersion: 2 is only supported"
        problems.append((f"{path}.schemaVersion", message, definition["schemaVersion"]))
    tasks = definition["tasks"]
    if not isinstance(tasks, list) or not tasks:
        problems.append((f"{path}.tasks", "WorkflowTask list cannot be empty", None))
        return problems
    seen: set[str] = set()
    for index, task in enumerate(tasks):
        problems.extend(_workflow_task_problems(task, f"{path}.tasks[{index}]", name, seen))
    return problems


def _workflow_task_problems(task: Any, path: str, workflow: Any, seen: set[str]) -> list[Problem]:
    if not isinstance(task, dict):
        return [(path, "WorkflowTask must be an object", None)]
    problems: list[Problem] = []
    ref = task.get("taskReferenceName")
    if not task.get("name"):
        problems.append((f"{path}.name", "WorkflowTask name cannot be empty or null", None))
    if not ref:
        message = "WorkflowTask taskReferenceName name cannot be empty or null"
        problems.append((f"{path}.taskReferenceName", message, None))
    elif ref in seen:
        message = (
            f"taskReferenceName: {ref} should be unique across tasks for a given "
            f"workflowDefinition: {workflow}"
        )
        problems.append((f"{path}.taskReferenceName", message, ref))
    else:
        seen.add(ref)
    task_type = task.get("type") or "SIMPLE"
    if task_type != "SIMPLE":
        message = (
            f"Task '{ref}' has type {task_type}: this local Conductor server runs only "
            "SIMPLE (worker) tasks"
        )
        problems.append((f"{path}.type", message, task_type))
    parameters = task.get("inputParameters")
    if parameters is not None and not isinstance(parameters, dict):
        problems.append((f"{path}.inputParameters", "inputParameters must be an object", None))
    return problems


def _normalize_workflow_task(task: JsonDict) -> JsonDict:
    normalized: JsonDict = {
        "name": task["name"],
        "taskReferenceName": task["taskReferenceName"],
        "type": "SIMPLE",
        "inputParameters": {},
        "startDelay": 0,
        "optional": False,
        "asyncComplete": False,
        "permissive": False,
    }
    normalized.update({key: value for key, value in task.items() if value is not None})
    if task.get("taskDefinition") is not None:
        normalized["taskDefinition"] = normalize_task_def(task["taskDefinition"])
    return normalized


class MetadataStore:
    """Registered task and workflow definitions. The engine holds its lock around every call."""

    def __init__(self) -> None:
        self.task_defs: dict[str, JsonDict] = {}
        self.workflow_defs: dict[str, dict[int, JsonDict]] = {}

    # -- task definitions ---------------------------------------------------------------------

    def register_task_defs(self, raw_list: Any) -> None:
        """Upsert a list of task definitions (``POST /metadata/taskdefs``)."""
        if not isinstance(raw_list, list):
            raise server_error(
                f"JSON parse error: expected an array of task definitions, got {_kind(raw_list)}"
            )
        if not raw_list:
            path = "registerTaskDef.taskDefinitions"
            raise validation_error([(path, "TaskDefList cannot be empty or null", None)])
        defs = [normalize_task_def(raw) for raw in raw_list]
        problems: list[Problem] = []
        for index, task_def in enumerate(defs):
            path = f"registerTaskDef.taskDefinitions[{index}]"
            problems.extend(task_def_problems(task_def, path))
        if problems:
            raise validation_error(problems)
        created = now_ms()
        for task_def in defs:
            task_def.setdefault("createTime", created)
            self.task_defs[task_def["name"]] = task_def

    def update_task_def(self, raw: Any) -> None:
        """Replace one registered definition (``PUT /metadata/taskdefs``); 404 if unknown."""
        task_def = normalize_task_def(raw)
        problems = task_def_problems(task_def, "updateTaskDef.taskDefinition")
        if problems:
            raise validation_error(problems)
        existing = self.task_defs.get(task_def["name"])
        if existing is None:
            raise not_found(f"No such task by name {task_def['name']}")
        for key in ("createTime", "createdBy"):
            if key in existing:
                task_def[key] = existing[key]
        task_def["updateTime"] = now_ms()
        self.task_defs[task_def["name"]] = task_def

    def get_task_def(self, name: str) -> JsonDict:
        """One registered definition; 404 if unknown."""
        task_def = self.task_defs.get(name)
        if task_def is None:
            raise not_found(f"No such taskType found by name: {name}")
        return task_def

    def delete_task_def(self, name: str) -> None:
        """Unregister a definition; 404 if unknown."""
        if self.task_defs.pop(name, None) is None:
            raise not_found(f"No such taskType found by name: {name}")

    # -- workflow definitions -----------------------------------------------------------------

    def create_workflow_def(self, raw: Any, *, overwrite: bool) -> None:
        """Register one workflow definition; 409 if it exists and ``overwrite`` is false."""
        definition = normalize_workflow_def(raw, "create.workflowDef")
        versions = self.workflow_defs.setdefault(definition["name"], {})
        version = definition["version"]
        if version in versions and not overwrite:
            raise conflict(f"Workflow with {definition['name']}.{version} already exists!")
        self._store_workflow_def(definition)

    def upsert_workflow_defs(self, raw_list: Any) -> JsonDict:
        """Upsert a list (``PUT /metadata/workflow``); any invalid entry fails them all."""
        if not isinstance(raw_list, list):
            raise server_error(
                "JSON parse error: expected an array of workflow definitions, "
                f"got {_kind(raw_list)}"
            )
        definitions = []
        for index, raw in enumerate(raw_list):
            definitions.append(normalize_workflow_def(raw, f"update.workflowDefs[{index}]"))
        for definition in definitions:
            self._store_workflow_def(definition)
        return {
            "bulkSuccessfulResults": [definition["name"] for definition in definitions],
            "bulkErrorResults": {},
        }

    def _store_workflow_def(self, definition: JsonDict) -> None:
        versions = self.workflow_defs.setdefault(definition["name"], {})
        previous = versions.get(definition["version"])
        if previous is not None and "createTime" in previous:
            definition["createTime"] = previous["createTime"]
            definition["updateTime"] = now_ms()
        else:
            definition.setdefault("createTime", now_ms())
        versions[definition["version"]] = definition

    def find_workflow_def(self, name: str, version: int | None) -> JsonDict | None:
        """The given version, or the latest when ``version`` is None."""
        versions = self.workflow_defs.get(name)
        if not versions:
            return None
        if version is None:
            return versions[max(versions)]
        return versions.get(version)

    def get_workflow_def(self, name: str, version: int | None) -> JsonDict:
        """Like ``find_workflow_def`` but 404 when missing."""
        definition = self.find_workflow_def(name, version)
        if definition is None:
            raise not_found(
                f"No such workflow found by name: {name}, version: {java_text(version)}"
            )
        return definition

    def all_workflow_defs(self) -> Iterable[JsonDict]:
        """Every version of every registered workflow definition."""
        for versions in self.workflow_defs.values():
            for version in sorted(versions):
                yield versions[version]

    def delete_workflow_def(self, name: str, version: int) -> None:
        """Unregister one version; 404 if unknown."""
        versions = self.workflow_defs.get(name)
        if not versions or versions.pop(version, None) is None:
            raise not_found(
                f"No such workflow found by name: {name}, version: {java_text(version)}"
            )
        if not versions:
            del self.workflow_defs[name]
