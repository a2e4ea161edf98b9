"""Fixtures of the in-memory server tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from server_helpers import Api

from conductor.client.testing import InMemoryConductorServer


@pytest.fixture
def server(conductor_server: InMemoryConductorServer) -> InMemoryConductorServer:
    """The plugin's fixture, under a shorter name."""
    return conductor_server


@pytest.fixture
def api(conductor_server: InMemoryConductorServer) -> Iterator[Api]:
    client = Api(conductor_server.url)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def task_type() -> str:
    """A task type no other test uses."""
    return f"task_{uuid.uuid4().hex[:10]}"
