"""A local, in-memory Conductor server for developing and testing workers."""

from __future__ import annotations

from conductor.client.testing.server import InMemoryConductorServer

__all__ = ["InMemoryConductorServer"]
