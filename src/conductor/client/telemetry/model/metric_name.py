"""Base names of the worker metrics (see ``metrics_collector`` for the exported names)."""

from __future__ import annotations

from enum import Enum


class MetricName(str, Enum):
    """The base name of each metric; counters are exported with ``_total`` appended."""

    API_REQUEST_TIME = "http_api_client_request"
    EXTERNAL_PAYLOAD_USED = "external_payload_used"
    TASK_ACK_ERROR = "task_ack_error"
    TASK_ACK_FAILED = "task_ack_failed"
    TASK_EXECUTE_ERROR = "task_execute_error"
    TASK_EXECUTE_TIME = "task_execute_time"
    TASK_EXECUTION_QUEUE_FULL = "task_execution_queue_full"
    TASK_EXECUTION_STARTED = "task_execution_started"
    TASK_PAUSED = "task_paused"
    TASK_POLL = "task_poll"
    TASK_POLL_EMPTY = "task_poll_empty"
    TASK_POLL_ERROR = "task_poll_error"
    TASK_POLL_TIME = "task_poll_time"
    TASK_RESULT_SIZE = "task_result_size"
    TASK_UPDATE_ERROR = "task_update_error"
    TASK_UPDATE_TIME = "task_update_time"
    THREAD_UNCAUGHT_EXCEPTION = "thread_uncaught_exceptions"
    WORKER_RESTART = "worker_restart"
    WORKFLOW_INPUT_SIZE = "workflow_input_size"
    WORKFLOW_START_ERROR = "workflow_start_error"

    def __str__(self) -> str:
        return self.value
