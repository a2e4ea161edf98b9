"""Build a workflow definition in Python, then register, start or execute it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from copy import deepcopy
from typing import Any, Union

from typing_extensions import Self

from conductor.client.http.models.start_workflow_request import (
    IdempotencyStrategy,
    StartWorkflowRequest,
)
from conductor.client.http.models.workflow_def import WorkflowDef
from conductor.client.http.models.workflow_run import WorkflowRun
from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.workflow._checks import Checked, require
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor
from conductor.client.workflow.task.fork_task import ForkTask
from conductor.client.workflow.task.join_task import JoinTask
from conductor.client.workflow.task.sub_workflow_task import InlineSubWorkflowTask
from conductor.client.workflow.task.task import (
    TaskInterface,
    get_task_interface_list_as_workflow_task_list,
)
from conductor.client.workflow.task.task_type import TaskType
from conductor.client.workflow.task.timeout_policy import TimeoutPolicy

__all__ = ["ConductorWorkflow", "InlineSubWorkflowTask"]

# What `add` and `>>` accept: a task, a workflow (run inline as a sub-workflow), or lists.
_Addable = Union[TaskInterface, "ConductorWorkflow"]
_FORK_TYPES = (TaskType.FORK_JOIN.value, TaskType.FORK_JOIN_DYNAMIC.value)


def _unique_suffix() -> str:
    return uuid.uuid4().hex[:22]


def _copy_str_key_dict(value: Any, what: str) -> dict[str, Any]:
    """A copy of ``value``, which must be a dict with str keys; None gives ``{}``."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise TypeError(f"{what} must be a dict with str keys, got {value!r}")
    return deepcopy(value)


class ConductorWorkflow:
    """A workflow definition under construction, bound to the executor that runs it.

    Tasks run in the order they are added (:meth:`add` or ``>>``). A list given to ``>>``
    becomes a fork: each element (a task or a list of tasks) is one parallel branch, and a JOIN
    on the last task of every branch follows automatically.

    Example::

        workflow = ConductorWorkflow(executor, name="greetings", version=1)
        workflow >> greet(task_ref_name="greet_ref", name=workflow.input("name"))
        workflow.output_parameter("greeting", "${greet_ref.output.result}")
        workflow.register(overwrite=True)
    """

    SCHEMA_VERSION = 2

    name: Checked[str] = Checked(str)
    version: Checked[int | None] = Checked(int, optional=True)
    description: Checked[str | None] = Checked(str, optional=True)

    def __init__(
        self,
        executor: WorkflowExecutor,
        name: str,
        version: int | None = None,
        description: str | None = None,
    ) -> None:
        """Start an empty workflow.

        Args:
            executor: Registers and runs the workflow.
            name: Workflow name.
            version: Workflow version; None means the server's latest (1 when registering).
            description: Free text shown in the UI.
        """
        self._executor = executor
        self.name = name
        self.version = version
        self.description = description
        self._tasks: list[TaskInterface] = []
        self._owner_email: str | None = None
        self._timeout_policy: TimeoutPolicy | None = None
        self._timeout_seconds = 60
        self._failure_workflow = ""
        self._input_parameters: list[str] = []
        self._output_parameters: dict[str, Any] = {}
        self._input_template: dict[str, Any] = {}
        self._variables: dict[str, Any] = {}
        self._restartable = True
        self._workflow_status_listener_enabled = False
        self._workflow_status_listener_sink: str | None = None

    # -- fluent settings -------------------------------------------------------------------

    def timeout_policy(self, timeout_policy: TimeoutPolicy) -> Self:
        """Set what happens when the workflow times out."""
        require(timeout_policy, TimeoutPolicy, "timeout_policy")
        self._timeout_policy = timeout_policy
        return self

    def timeout_seconds(self, timeout_seconds: int) -> Self:
        """Set the workflow's time limit in seconds (0: none)."""
        require(timeout_seconds, int, "timeout_seconds")
        self._timeout_seconds = timeout_seconds
        return self

    def owner_email(self, owner_email: str) -> Self:
        """Set the owner's email (the server may require one)."""
        require(owner_email, str, "owner_email")
        self._owner_email = owner_email
        return self

    def failure_workflow(self, failure_workflow: str) -> Self:
        """Name the workflow the server starts when this one fails (for compensation)."""
        require(failure_workflow, str, "failure_workflow")
        self._failure_workflow = failure_workflow
        return self

    def restartable(self, restartable: bool) -> Self:
        """Allow or forbid restarting the workflow once it has finished."""
        require(restartable, bool, "restartable")
        self._restartable = restartable
        return self

    def enable_status_listener(self, sink_name: str) -> Self:
        """Publish the workflow's status changes to ``sink_name``."""
        self._workflow_status_listener_sink = sink_name
        self._workflow_status_listener_enabled = True
        return self

    def disable_status_listener(self) -> Self:
        """Stop publishing status changes."""
        self._workflow_status_listener_sink = None
        self._workflow_status_listener_enabled = False
        return self

    def output_parameters(self, output_parameters: dict[str, Any] | None) -> Self:
        """Set the workflow's output, a map whose values may hold ``${...}`` expressions."""
        self._output_parameters = _copy_str_key_dict(output_parameters, "output_parameters")
        return self

    def output_parameter(self, key: str, value: Any) -> Self:
        """Set one key of the workflow's output."""
        self._output_parameters[key] = deepcopy(value)
        return self

    def input_template(self, input_template: dict[str, Any] | None) -> Self:
        """Set default input values, used for keys the caller does not pass."""
        self._input_template = _copy_str_key_dict(input_template, "input_template")
        return self

    def variables(self, variables: dict[str, Any] | None) -> Self:
        """Set the initial workflow variables (changed later by SET_VARIABLE tasks)."""
        self._variables = _copy_str_key_dict(variables, "variables")
        return self

    def input_parameters(self, input_parameters: list[str] | dict[str, Any]) -> Self:
        """Name the workflow's inputs (documentation only); a dict sets the input template."""
        if isinstance(input_parameters, dict):
            return self.input_template(input_parameters)
        if not isinstance(input_parameters, list) or not all(
            isinstance(item, str) for item in input_parameters
        ):
            raise TypeError(f"input_parameters must be a list of str, got {input_parameters!r}")
        self._input_parameters = list(input_parameters)
        return self

    def workflow_input(self, input: dict[str, Any]) -> Self:
        """Set the input template (same as :meth:`input_template`)."""
        return self.input_template(input)

    # -- composition -----------------------------------------------------------------------

    def add(self, task: _Addable | list[Any]) -> Self:
        """Append a task, or each task of a list in order.

        A list that contains lists is a fork (as with ``>>``).
        """
        if isinstance(task, list):
            if any(isinstance(item, list) for item in task):
                return self._add_fork(task)
            for item in task:
                self._add_task(item)
            return self
        return self._add_task(task)

    def __rshift__(self, task: _Addable | list[Any]) -> Self:
        """Append a task; a list forks into parallel branches joined automatically."""
        if isinstance(task, list):
            return self._add_fork(task)
        return self._add_task(task)

    def _add_task(self, task: Any) -> Self:
        if isinstance(task, ConductorWorkflow):
            self._tasks.append(task._as_inline_sub_workflow())
            return self
        if not isinstance(task, TaskInterface):
            raise TypeError(
                f"cannot add {task!r} ({type(task).__name__}) to a workflow: expected a task; "
                "when using a @worker_task function, call it with task_ref_name=..."
            )
        self._tasks.append(deepcopy(task))
        return self

    def _add_fork(self, branches: Iterable[Any]) -> Self:
        forked: list[list[TaskInterface]] = []
        for branch in branches:
            items = branch if isinstance(branch, list) else [branch]
            converted: list[TaskInterface] = []
            for item in items:
                if isinstance(item, ConductorWorkflow):
                    converted.append(item._as_inline_sub_workflow())
                elif isinstance(item, TaskInterface):
                    converted.append(item)
                else:
                    raise TypeError(f"cannot fork into {item!r}: expected a task")
            forked.append(converted)
        self._tasks.append(
            ForkTask(task_ref_name="forked_" + _unique_suffix(), forked_tasks=forked)
        )
        return self

    def _as_inline_sub_workflow(self) -> InlineSubWorkflowTask:
        task = InlineSubWorkflowTask(task_ref_name=f"{self.name}_{_unique_suffix()}", workflow=self)
        task.input_parameters.update(deepcopy(self._input_template))
        return task

    # -- conversion ------------------------------------------------------------------------

    def to_workflow_def(self) -> WorkflowDef:
        """Return the ``WorkflowDef`` model of this workflow."""
        return WorkflowDef(
            name=self.name,
            description=self.description,
            version=self.version,
            tasks=self._workflow_tasks(),
            input_parameters=list(self._input_parameters),
            output_parameters=deepcopy(self._output_parameters),
            failure_workflow=self._failure_workflow,
            schema_version=ConductorWorkflow.SCHEMA_VERSION,
            restartable=self._restartable,
            workflow_status_listener_enabled=self._workflow_status_listener_enabled,
            workflow_status_listener_sink=self._workflow_status_listener_sink,
            owner_email=self._owner_email,
            timeout_policy=None if self._timeout_policy is None else self._timeout_policy.value,
            timeout_seconds=self._timeout_seconds,
            variables=deepcopy(self._variables),
            input_template=deepcopy(self._input_template),
        )

    def to_workflow_task(self) -> WorkflowTask:
        """Return this workflow as an inline SUB_WORKFLOW task for another workflow."""
        return self._as_inline_sub_workflow().to_workflow_task()

    def _workflow_tasks(self) -> list[WorkflowTask]:
        flat = get_task_interface_list_as_workflow_task_list(*self._tasks)
        # The server requires a JOIN right after every fork; add one where it is missing.
        with_joins: list[WorkflowTask] = []
        for index, workflow_task in enumerate(flat):
            with_joins.append(workflow_task)
            following = flat[index + 1] if index + 1 < len(flat) else None
            if workflow_task.type in _FORK_TYPES and (
                following is None or following.type != TaskType.JOIN.value
            ):
                with_joins.append(_join_for(workflow_task))
        return with_joins

    # -- running ---------------------------------------------------------------------------

    def register(self, overwrite: bool) -> object:
        """Register the definition; with ``overwrite`` an existing version is replaced."""
        return self._executor.register_workflow(
            workflow=self.to_workflow_def(), overwrite=overwrite
        )

    def start_workflow(self, start_workflow_request: StartWorkflowRequest) -> str:
        """Start this workflow, sending its definition inline, and return the workflow id.

        The definition need not be registered. Name, version and definition of the request are
        set from this workflow; its input, correlation id, domains etc. are kept.
        """
        start_workflow_request.workflow_def = self.to_workflow_def()
        start_workflow_request.name = self.name
        start_workflow_request.version = self.version
        return self._executor.start_workflow(start_workflow_request)

    def start_workflow_with_input(
        self,
        workflow_input: dict[str, Any] | None = None,
        correlation_id: str | None = None,
        task_to_domain: dict[str, str] | None = None,
        priority: int | None = None,
        idempotency_key: str | None = None,
        idempotency_strategy: IdempotencyStrategy = IdempotencyStrategy.FAIL,
    ) -> str:
        """Start this workflow (definition sent inline) with the given input; return its id."""
        request = StartWorkflowRequest(
            name=self.name,
            version=self.version,
            correlation_id=correlation_id,
            input=deepcopy(workflow_input) if workflow_input is not None else {},
            task_to_domain=task_to_domain,
            workflow_def=self.to_workflow_def(),
            priority=priority,
            idempotency_key=idempotency_key,
            idempotency_strategy=idempotency_strategy,
        )
        return self._executor.start_workflow(request)

    def execute(
        self,
        workflow_input: Any = None,
        wait_until_task_ref: str = "",
        wait_for_seconds: int = 10,
        request_id: str | None = None,
        idempotency_key: str | None = None,
        idempotency_strategy: IdempotencyStrategy = IdempotencyStrategy.FAIL,
        task_to_domain: dict[str, str] | None = None,
    ) -> WorkflowRun:
        """Start this workflow (definition sent inline) and wait for it.

        Args:
            workflow_input: The workflow input.
            wait_until_task_ref: Return once the task with this reference name is reached
                instead of waiting for the end of the workflow.
            wait_for_seconds: Return after this many seconds at most, even if still running.
            request_id: Caller-chosen id of this run.
            idempotency_key: Key that makes repeated starts idempotent (server permitting).
            idempotency_strategy: What a repeated start with the same key does.
            task_to_domain: Task-to-domain routing (``{"*": "domain"}`` for all tasks).

        Returns:
            The run; check ``status`` to see whether it finished within the wait.
        """
        request = StartWorkflowRequest(
            name=self.name,
            version=self.version,
            input=deepcopy(workflow_input) if workflow_input is not None else {},
            workflow_def=self.to_workflow_def(),
            task_to_domain=task_to_domain,
        )
        if idempotency_key is not None:
            request.idempotency_key = idempotency_key
            request.idempotency_strategy = idempotency_strategy
        return self._executor.execute_workflow(
            request,
            wait_until_task_ref=wait_until_task_ref,
            wait_for_seconds=wait_for_seconds,
            request_id=request_id,
        )

    def __call__(self, **kwargs: Any) -> WorkflowRun:
        """Execute the workflow with ``kwargs`` as its input (see :meth:`execute`)."""
        return self.execute(workflow_input=dict(kwargs))

    # -- expressions -----------------------------------------------------------------------

    def input(self, json_path: str | None = None) -> str:
        """Return the expression for the workflow input, or for ``json_path`` inside it."""
        return "${workflow.input}" if json_path is None else f"${{workflow.input.{json_path}}}"

    def output(self, json_path: str | None = None) -> str:
        """Return the expression for the workflow output, or for ``json_path`` inside it."""
        return "${workflow.output}" if json_path is None else f"${{workflow.output.{json_path}}}"


def _join_for(fork: WorkflowTask) -> WorkflowTask:
    join_on = [
        branch[-1].task_reference_name
        for branch in fork.fork_tasks or []
        if branch and branch[-1].task_reference_name is not None
    ]
    return JoinTask(f"join_{fork.task_reference_name}", join_on=join_on).to_workflow_task()
