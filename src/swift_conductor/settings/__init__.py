"""swift-conductor name for ``conductor.client.configuration.settings``."""
