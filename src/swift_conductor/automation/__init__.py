"""swift-conductor name for ``conductor.client.automator``."""
