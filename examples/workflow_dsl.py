"""Workflow DSL: build a workflow from decorated workers in Python, register it, run it.

    python examples/workflow_dsl.py [--user-id ID] [--timeout SECONDS]

Without ``CONDUCTOR_SERVER_URL`` this starts the local in-memory Conductor server inside this
process; with it (e.g. ``CONDUCTOR_SERVER_URL=http://localhost:8080/api``) it uses that server.

Calling a ``@worker_task`` function with ``task_ref_name=...`` does not run it: it returns a
SIMPLE task for the workflow, with the other keyword arguments as the task's inputs. Inputs
can be expressions such as ``workflow.input("user_id")`` or ``task.output("name")``, which
the server resolves when it schedules the task. The workers themselves run under a
``TaskHandler``, which polls the server for their tasks.

The script prints the workflow's status and output and exits 0 when it completed, 1 when it
did not, and 2 when it was still running after the timeout.
"""

from __future__ import annotations

import argparse
import sys

from _support import conductor_server

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.worker.worker_task import worker_task
from conductor.client.workflow.conductor_workflow import ConductorWorkflow
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

# -- the workers: ordinary functions, registered by the decorator ---------------------------


@worker_task(task_definition_name="dsl_get_user")
def get_user(user_id: str) -> dict:
    first, _, last = user_id.partition(".")
    return {"full_name": f"{first.capitalize()} {last.capitalize()}".strip(), "vip": True}


@worker_task(task_definition_name="dsl_greet")
def greet(name: str, vip: bool) -> dict:
    greeting = f"Hello, {name}!"
    return {"greeting": greeting + " Welcome back." if vip else greeting}


@worker_task(task_definition_name="dsl_count_letters")
def count_letters(text: str) -> dict:
    return {"letters": sum(char.isalpha() for char in text)}


# -- the workflow ----------------------------------------------------------------------------


def build_workflow(executor: WorkflowExecutor) -> ConductorWorkflow:
    """get_user -> greet -> count_letters, each task reading the previous task's output."""
    workflow = ConductorWorkflow(executor, name="dsl_greetings", version=1)
    workflow.description = "Greets a user; built with the Python workflow DSL"

    user = get_user(task_ref_name="get_user_ref", user_id=workflow.input("user_id"))
    # An attribute the task does not have reads as its output: user.full_name is
    # "${get_user_ref.output.full_name}".
    hello = greet(task_ref_name="greet_ref", name=user.full_name, vip=user.output("vip"))
    count = count_letters(task_ref_name="count_ref", text=hello.output("greeting"))

    workflow >> user >> hello >> count
    workflow.output_parameters(
        {"greeting": hello.output("greeting"), "letters": count.output("letters")}
    )
    return workflow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user-id", default="ada.lovelace", help="input of the workflow")
    parser.add_argument("--timeout", type=int, default=30, help="seconds to wait for the end")
    args = parser.parse_args()

    with conductor_server() as configuration:
        executor = WorkflowExecutor(configuration)
        workflow = build_workflow(executor)
        workflow.register(overwrite=True)
        print(f"Registered workflow {workflow.name!r} version {workflow.version}")

        handler = TaskHandler(
            workers=[], configuration=configuration, scan_for_annotated_workers=True
        )
        handler.start_processes()
        try:
            # Start the workflow and wait for it to finish (or for the timeout).
            run = workflow.execute(
                workflow_input={"user_id": args.user_id}, wait_for_seconds=args.timeout
            )
        finally:
            handler.stop_processes()  # graceful: tasks in flight finish first

    print(f"  {run.workflow_id} {run.status}: {run.output}")
    if run.status == "COMPLETED":
        return 0
    if run.status in ("RUNNING", "PAUSED"):
        print(f"TIMEOUT: workflow still {run.status} after {args.timeout} s", file=sys.stderr)
        return 2
    print(f"FAILED: {run.reason_for_incompletion}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
