"""Help text of each metric, as exported in the ``# HELP`` lines."""

from __future__ import annotations

from enum import Enum


class MetricDocumentation(str, Enum):
    """Help text by metric; member names match :class:`MetricName`."""

    API_REQUEST_TIME = "Time taken by HTTP requests to the Conductor server"
    EXTERNAL_PAYLOAD_USED = "Payloads stored in external storage"
    TASK_ACK_ERROR = "Task acknowledgements that raised an error"
    TASK_ACK_FAILED = "Task acknowledgements refused by the server"
    TASK_EXECUTE_ERROR = "Task executions that raised an error"
    TASK_EXECUTE_TIME = "Time spent executing a task, in seconds"
    TASK_EXECUTION_QUEUE_FULL = "Polls skipped because every execution slot was busy"
    TASK_EXECUTION_STARTED = "Task executions started"
    TASK_PAUSED = "Poll iterations skipped because the worker is paused"
    TASK_POLL = "Poll requests sent"
    TASK_POLL_EMPTY = "Poll requests that returned no task"
    TASK_POLL_ERROR = "Poll requests that failed"
    TASK_POLL_TIME = "Time taken by a poll request, in seconds"
    TASK_RESULT_SIZE = "Size of the JSON task result sent to the server, in bytes"
    TASK_UPDATE_ERROR = "Task result updates that failed"
    TASK_UPDATE_TIME = "Time taken to post a task result, in seconds"
    THREAD_UNCAUGHT_EXCEPTION = "Exceptions that escaped a worker thread"
    WORKER_RESTART = "Worker processes restarted after an unexpected exit or a wedge"
    WORKFLOW_INPUT_SIZE = "Size of a workflow input, in bytes"
    WORKFLOW_START_ERROR = "Workflow starts that failed"

    def __str__(self) -> str:
        return self.value
