"""swift-conductor name for ``conductor.client.configuration.settings.metrics_settings``."""

from __future__ import annotations

from conductor.client.configuration.settings.metrics_settings import MetricsSettings

__all__ = ["MetricsSettings"]
