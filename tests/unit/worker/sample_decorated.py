"""A decorated worker. Importing this module registers it: tests import it in a fixture
that restores the registry afterwards, so other tests never see it."""

from __future__ import annotations

from conductor.client.worker.worker_task import worker_task

DECORATED_TASK = "sample_decorated_double"


@worker_task(task_definition_name=DECORATED_TASK, poll_interval_millis=250, thread_count=2)
def decorated_double(value: int) -> dict[str, int]:
    """Registered at import; pickled by reference and unwrapped in a spawned child."""
    return {"doubled": value * 2}
