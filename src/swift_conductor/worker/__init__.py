"""swift-conductor name for ``conductor.client.worker``."""
