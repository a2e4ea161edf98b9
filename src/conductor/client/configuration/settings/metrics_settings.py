"""Where and how often the worker runtime writes its Prometheus metrics file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)


def get_default_temporary_folder() -> str:
    """Return the default metrics directory, ``~/tmp/``."""
    return f"{Path.home()}/tmp/"


class MetricsSettings:
    """Settings for the metrics file the worker runtime writes.

    The directory is created (with parents) if missing; a failure to create it is logged and
    left to surface when the metrics are written.

    Args:
        directory: Directory of the metrics file; defaults to ``~/tmp/``.
        file_name: Name of the metrics file.
        update_interval: How often the file is rewritten, in seconds.
    """

    def __init__(
        self,
        directory: str | None = None,
        file_name: str = "metrics.log",
        update_interval: float = 0.1,
    ) -> None:
        if directory is None:
            directory = get_default_temporary_folder()
        self._set_dir(directory)
        self.file_name = file_name
        self.update_interval = update_interval

    def _set_dir(self, directory: str) -> None:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            logger.warning("Could not create the metrics directory %s: %s", directory, exc)
        self.directory = directory

    def __repr__(self) -> str:
        return (
            f"MetricsSettings(directory={self.directory!r}, file_name={self.file_name!r}, "
            f"update_interval={self.update_interval!r})"
        )
