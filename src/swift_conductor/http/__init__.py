"""swift-conductor name for ``conductor.client.http``."""
