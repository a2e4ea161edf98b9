"""Decorated workers, imported by tests through ``import_modules`` into a clean registry."""

from __future__ import annotations

from conductor.client.worker.worker_task import WorkerTask, worker_task

DECORATED_TASK = "handler_decorated_task"
CLASSIC_DECORATED_TASK = "handler_classic_decorated_task"


@worker_task(task_definition_name=DECORATED_TASK, poll_interval_millis=50)
def greet(name: str) -> str:
    return f"Hello, {name}"


@WorkerTask(task_definition_name=CLASSIC_DECORATED_TASK, domain="cool", worker_id="decorated")
def python_annotated_task(input: object) -> object:
    return {"message": "python is so cool :)"}
