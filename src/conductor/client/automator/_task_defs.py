"""Registering a worker's task definitions when its runner starts (``register_task_def=True``).

Each of the worker's task names gets ``TaskDef(name=...)``, or a deep copy of the worker's
``task_def_template`` with the name forced. With ``overwrite_task_def`` (the default) the
definition is written with ``PUT /metadata/taskdefs``, and created with ``POST`` when the server
does not know it yet (404); without it, an existing definition is left alone and only a missing
one is created. A failure is logged with the server's message and never stops the worker.
"""

from __future__ import annotations

import copy
import json
import logging
from typing import TYPE_CHECKING, Any

from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
from conductor.client.http.models.task_def import TaskDef
from conductor.client.http.rest import ApiException

if TYPE_CHECKING:
    from conductor.client.http.api_client import ApiClient
    from conductor.client.worker.worker_interface import WorkerInterface

logger = logging.getLogger(__name__)

REGISTER_READ_TIMEOUT_S = 10.0
"""Read timeout of each metadata request made at start-up (the poll loop waits for them)."""

REQUESTS_PER_DEFINITION = 2
"""At most this many requests register one definition (PUT then POST, or GET then POST)."""


def task_defs_for(worker: WorkerInterface) -> list[TaskDef]:
    """The definitions to register: one per task name, from the worker's template if it has one.

    Raises:
        TypeError: ``task_def_template`` is neither None nor a TaskDef.
    """
    template: Any = getattr(worker, "task_def_template", None)
    if template is not None and not isinstance(template, TaskDef):
        raise TypeError(
            f"task_def_template must be a TaskDef or None, got {type(template).__name__}"
        )
    task_defs = []
    for name in worker.task_definition_names:
        task_def = TaskDef(name=name) if template is None else copy.deepcopy(template)
        task_def.name = name
        task_defs.append(task_def)
    return task_defs


def register_task_defs(
    worker: WorkerInterface,
    api_client: ApiClient,
    *,
    request_timeout: tuple[float, float],
) -> None:
    """Register ``worker``'s task definitions; log each outcome, never raise for a failure."""
    names = worker.task_definition_names
    if getattr(worker, "register_schema", False):
        logger.warning(
            "Worker %s asks for register_schema, which is not supported: its task definition "
            "is registered without input/output schemas",
            names,
        )
    try:
        task_defs = task_defs_for(worker)
    except TypeError as exc:
        logger.warning("Not registering the task definitions of worker %s: %s", names, exc)
        return
    metadata = MetadataResourceApi(api_client)
    overwrite = bool(getattr(worker, "overwrite_task_def", True))
    for task_def in task_defs:
        try:
            outcome = _register(metadata, task_def, overwrite, request_timeout)
        except ApiException as exc:
            logger.warning(
                "Could not register the task definition %r: %s%s; the worker runs anyway",
                task_def.name,
                exc,
                _validation_errors(exc),
            )
        except Exception:
            logger.exception(
                "Registering the task definition %r failed; the worker runs anyway", task_def.name
            )
        else:
            logger.info("Task definition %r %s", task_def.name, outcome)


def _register(
    metadata: MetadataResourceApi,
    task_def: TaskDef,
    overwrite: bool,
    timeout: tuple[float, float],
) -> str:
    """Write one definition as 2.x does; return what happened, for the log."""
    if overwrite:
        try:
            metadata.update_task_def(task_def, _request_timeout=timeout)
        except ApiException as exc:
            if not exc.is_not_found():
                raise
        else:
            return "updated"
    else:
        try:
            metadata.get_task_def(str(task_def.name), _request_timeout=timeout)
        except ApiException as exc:
            if not exc.is_not_found():
                raise
        else:
            return "already registered; left as it is (overwrite_task_def is off)"
    metadata.register_task_def([task_def], _request_timeout=timeout)
    return "registered"


def _validation_errors(exc: ApiException) -> str:
    """The details of a 400 (Conductor puts them beside a generic ``message``), or ""."""
    try:
        body = json.loads(exc.body or "")
    except ValueError:
        return ""
    errors = body.get("validationErrors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ""
    details = [
        f"{error.get('path') or '?'}: {error.get('message')}"
        for error in errors
        if isinstance(error, dict)
    ]
    return f" ({'; '.join(details)})" if details else ""
