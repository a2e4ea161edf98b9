"""WAIT tasks: pause the workflow for a duration, until a time, or until signalled."""

from __future__ import annotations

from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class WaitTask(TaskInterface):
    """Block the workflow at this point.

    With ``wait_for_seconds`` the server completes the task after that many seconds (input
    ``duration``); with ``wait_until`` it completes it at that date/time (input ``until``, e.g.
    ``"2024-01-31 00:00 UTC"``). With neither, the task waits until it is completed through the
    API or by an event.
    """

    def __init__(
        self, task_ref_name: str, wait_until: str | None = None, wait_for_seconds: int | None = None
    ) -> None:
        """Create the task.

        Args:
            task_ref_name: Unique name of the task within the workflow.
            wait_until: Date/time to wait for, in a format the server parses.
            wait_for_seconds: Seconds to wait.

        Raises:
            ValueError: Both ``wait_until`` and ``wait_for_seconds`` were given.
        """
        super().__init__(task_reference_name=task_ref_name, task_type=TaskType.WAIT)
        if wait_until is not None and wait_for_seconds is not None:
            raise ValueError("give either wait_until or wait_for_seconds, not both")
        if wait_until is not None:
            self.input_parameters = {"until": wait_until}
        if wait_for_seconds is not None:
            self.input_parameters = {"duration": f"{wait_for_seconds}s"}


class WaitForDurationTask(WaitTask):
    """Wait for a fixed number of seconds."""

    def __init__(self, task_ref_name: str, duration_time_seconds: int) -> None:
        super().__init__(task_ref_name, wait_for_seconds=duration_time_seconds)


class WaitUntilTask(WaitTask):
    """Wait until a date/time, e.g. ``"2024-01-31 00:00 UTC"``."""

    def __init__(self, task_ref_name: str, date_time: str) -> None:
        super().__init__(task_ref_name, wait_until=date_time)
