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
        http_port: When set, the metrics are also served as ``/metrics`` on this port
            (0 picks a free port).
        http_host: Address the ``/metrics`` endpoint binds (all interfaces by default,
            so that a Prometheus server can scrape it).
    """

    def __init__(
        self,
        directory: str | None = None,
        file_name: str = "metrics.log",
        update_interval: float = 0.1,
        http_port: int | None = None,
        *,
        http_host: str = "0.0.0.0",
    ) -> None:
        if directory is None:
            directory = get_default_temporary_folder()
        self._set_dir(directory)
        self.file_name = file_name
        self.update_interval = update_interval
        self.http_port = http_port
        self.http_host = http_host

    def _set_dir(self, directory: str) -> None:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            logger.warning("Could not create the metrics directory %s: %s", directory, exc)
        self.directory = directory

    def __repr__(self) -> str:
        return (
            f"MetricsSettings(directory={self.directory!r}, file_name={self.file_name!r}, "
            f"update_interval={self.update_interval!r}, http_port={self.http_port!r})"
        )
