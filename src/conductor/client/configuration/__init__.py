"""Client configuration: :class:`Configuration` and its settings objects."""

from __future__ import annotations

from conductor.client.configuration.configuration import Configuration
from conductor.client.configuration.settings.authentication_settings import (
    AuthenticationSettings,
)
from conductor.client.configuration.settings.metrics_settings import MetricsSettings

__all__ = ["AuthenticationSettings", "Configuration", "MetricsSettings"]
