"""Models of the Conductor REST API.

Every model is importable from here; ``ApiClient`` resolves the class names used in
``swagger_types`` (``"Task"``, ``"list[WorkflowTask]"``...) against this package.
"""

from __future__ import annotations

from conductor.client.http.models.bulk_response import BulkResponse
from conductor.client.http.models.external_storage_location import ExternalStorageLocation
from conductor.client.http.models.generate_token_request import GenerateTokenRequest
from conductor.client.http.models.poll_data import PollData
from conductor.client.http.models.rerun_workflow_request import RerunWorkflowRequest
from conductor.client.http.models.schema_def import SchemaDef, SchemaType
from conductor.client.http.models.search_result_task import SearchResultTask
from conductor.client.http.models.search_result_task_summary import SearchResultTaskSummary
from conductor.client.http.models.search_result_workflow import SearchResultWorkflow
from conductor.client.http.models.search_result_workflow_summary import (
    SearchResultWorkflowSummary,
)
from conductor.client.http.models.skip_task_request import SkipTaskRequest
from conductor.client.http.models.start_workflow_request import (
    IdempotencyStrategy,
    StartWorkflowRequest,
)
from conductor.client.http.models.state_change_event import (
    StateChangeConfig,
    StateChangeEvent,
    StateChangeEventType,
)
from conductor.client.http.models.sub_workflow_params import SubWorkflowParams
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_def import TaskDef
from conductor.client.http.models.task_exec_log import TaskExecLog
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.http.models.task_summary import TaskSummary
from conductor.client.http.models.token import Token
from conductor.client.http.models.workflow import Workflow
from conductor.client.http.models.workflow_def import WorkflowDef
from conductor.client.http.models.workflow_run import WorkflowRun
from conductor.client.http.models.workflow_status import WorkflowStatus
from conductor.client.http.models.workflow_summary import WorkflowSummary
from conductor.client.http.models.workflow_task import CacheConfig, WorkflowTask

__all__ = [
    "BulkResponse",
    "CacheConfig",
    "ExternalStorageLocation",
    "GenerateTokenRequest",
    "IdempotencyStrategy",
    "PollData",
    "RerunWorkflowRequest",
    "SchemaDef",
    "SchemaType",
    "SearchResultTask",
    "SearchResultTaskSummary",
    "SearchResultWorkflow",
    "SearchResultWorkflowSummary",
    "SkipTaskRequest",
    "StartWorkflowRequest",
    "StateChangeConfig",
    "StateChangeEvent",
    "StateChangeEventType",
    "SubWorkflowParams",
    "Task",
    "TaskDef",
    "TaskExecLog",
    "TaskResult",
    "TaskResultStatus",
    "TaskSummary",
    "Token",
    "Workflow",
    "WorkflowDef",
    "WorkflowRun",
    "WorkflowStatus",
    "WorkflowSummary",
    "WorkflowTask",
]
