"""What the server does when a workflow runs past its ``timeoutSeconds``."""

from __future__ import annotations

from enum import Enum


class TimeoutPolicy(str, Enum):
    """Workflow timeout policy; each value is the server's name for it."""

    TIME_OUT_WORKFLOW = "TIME_OUT_WF"
    ALERT_ONLY = "ALERT_ONLY"

    def __str__(self) -> str:
        return self.value
