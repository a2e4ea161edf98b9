"""Shared plumbing of the examples: a server to talk to, and running a demo to completion.

Not an example itself. Each example defines its workers and its workflow; this module gives it
a server (``CONDUCTOR_SERVER_URL`` if set, else a local in-memory one started in this process),
starts workflow instances, shows progress while the workers run, and prints the outcome.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from conductor.client.configuration.configuration import Configuration
from conductor.client.http.models import Workflow
from conductor.client.http.rest import ApiException
from conductor.client.testing import InMemoryConductorServer
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

TERMINAL_WORKFLOW_STATUSES = {"COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"}


@contextlib.contextmanager
def conductor_server() -> Iterator[Configuration]:
    """Yield a ``Configuration`` for ``CONDUCTOR_SERVER_URL``, or for an embedded local server.

    The embedded server's URL is put in ``CONDUCTOR_SERVER_URL`` for the duration, so that
    ``Configuration()`` anywhere in this process and in worker processes finds it.
    """
    if os.environ.get("CONDUCTOR_SERVER_URL"):
        configuration = Configuration()
        print(f"Using the Conductor server at {configuration.host}")
        yield configuration
        return
    with InMemoryConductorServer() as server:
        print(f"Started a local Conductor server at {server.url}")
        os.environ["CONDUCTOR_SERVER_URL"] = server.url
        try:
            yield Configuration()
        finally:
            del os.environ["CONDUCTOR_SERVER_URL"]


def start_workflows(
    workflow: ConductorWorkflow,
    inputs: Sequence[dict[str, Any]],
    task_to_domain: dict[str, str] | None = None,
) -> list[str]:
    """Register ``workflow`` and start one instance per input; return the workflow ids."""
    workflow.register(overwrite=True)
    return [
        workflow.start_workflow_with_input(workflow_input=dict(data), task_to_domain=task_to_domain)
        for data in inputs
    ]


def wait_for_workflows(
    executor: WorkflowExecutor,
    workflow_ids: Sequence[str],
    timeout_s: float,
    tasks_per_workflow: int | None = None,
    started: float | None = None,
) -> list[Workflow]:
    """Poll the server until every workflow has ended, printing progress as it changes.

    Raises:
        TimeoutError: Some workflow is still running after ``timeout_s`` seconds.
    """
    started = time.monotonic() if started is None else started
    deadline = started + timeout_s
    progress = _Progress(len(workflow_ids) * tasks_per_workflow if tasks_per_workflow else None)
    while True:
        workflows = [executor.get_workflow(wf_id, include_tasks=True) for wf_id in workflow_ids]
        progress.show(workflows, time.monotonic() - started)
        if all(str(wf.status) in TERMINAL_WORKFLOW_STATUSES for wf in workflows):
            progress.done()
            return workflows
        if time.monotonic() > deadline:
            progress.done()
            running = [
                wf.workflow_id for wf in workflows if wf.status not in TERMINAL_WORKFLOW_STATUSES
            ]
            raise TimeoutError(
                f"{len(running)} of {len(workflow_ids)} workflows still running after "
                f"{timeout_s:.0f} s: {', '.join(running)}"
            )
        time.sleep(0.1)


class _Progress:
    """One progress line: rewritten in place on a terminal, printed on change otherwise."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.last: int | None = None
        self.tty = sys.stdout.isatty()

    def show(self, workflows: Sequence[Workflow], elapsed_s: float) -> None:
        completed = sum(
            1 for wf in workflows for task in (wf.tasks or []) if task.status == "COMPLETED"
        )
        if completed == self.last:
            return
        self.last = completed
        total = f"/{self.total}" if self.total else ""
        rate = completed / elapsed_s if elapsed_s > 0 else 0.0
        line = f"progress: {completed}{total} tasks completed, {rate:.1f} tasks/s"
        if self.tty:
            print("\r" + line, end="", flush=True)
        else:
            print(line, flush=True)

    def done(self) -> None:
        if self.tty and self.last is not None:
            print()


def run_workflows(
    executor: WorkflowExecutor,
    workflow: ConductorWorkflow,
    inputs: Sequence[dict[str, Any]],
    *,
    tasks_per_workflow: int | None = None,
    timeout_s: float = 60.0,
    task_to_domain: dict[str, str] | None = None,
) -> int:
    """Start one instance of ``workflow`` per input, wait for all of them, print the outcome.

    Call it while the workers run. Returns the exit code: 0 when every workflow completed,
    1 when one did not (or the server could not be reached), 2 when they did not all finish
    within ``timeout_s`` seconds.
    """
    started = time.monotonic()
    try:
        workflow_ids = start_workflows(workflow, inputs, task_to_domain)
        print(f"Started {len(workflow_ids)} workflows of {workflow.name!r}")
        done = wait_for_workflows(executor, workflow_ids, timeout_s, tasks_per_workflow, started)
    except ApiException as exc:
        print(f"ERROR: the Conductor server did not answer as expected: {exc}", file=sys.stderr)
        return 1
    except TimeoutError as exc:
        print(f"TIMEOUT: {exc}", file=sys.stderr)
        return 2
    return report(done, time.monotonic() - started)


def report(workflows: Sequence[Workflow], elapsed_s: float) -> int:
    """Print each workflow's status and output, then a summary; return the exit code."""
    for wf in workflows:
        print(f"  {wf.workflow_id} {wf.status}: {wf.output}")
    failed = [wf for wf in workflows if wf.status != "COMPLETED"]
    tasks = sum(len(wf.tasks or []) for wf in workflows)
    if failed:
        for wf in failed:
            print(
                f"workflow {wf.workflow_id} {wf.status}: {wf.reason_for_incompletion}",
                file=sys.stderr,
            )
        print(
            f"FAILED: {len(failed)} of {len(workflows)} workflows did not complete",
            file=sys.stderr,
        )
        return 1
    print(
        f"OK: {len(workflows)} workflows, {tasks} tasks completed in {elapsed_s:.1f} s "
        f"({tasks / elapsed_s if elapsed_s else 0:.1f} tasks/s)"
    )
    return 0
