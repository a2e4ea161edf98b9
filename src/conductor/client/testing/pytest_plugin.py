"""pytest plugin: the ``conductor_server`` fixture (registered by the ``pytest11`` entry point)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conductor.client.testing.server import InMemoryConductorServer


@pytest.fixture
def conductor_server() -> Iterator[InMemoryConductorServer]:
    """A started in-memory Conductor server on a free port; stopped and joined after the test."""
    from conductor.client.testing.server import InMemoryConductorServer

    server = InMemoryConductorServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
