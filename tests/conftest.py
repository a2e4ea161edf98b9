"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os

import pytest

_CLEARED_PREFIXES = ("CONDUCTOR_", "conductor_", "conductor.")
_PROXY_VARIABLES = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"}


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test without the caller's Conductor, worker or proxy settings."""
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES) or name.upper() in _PROXY_VARIABLES:
            monkeypatch.delenv(name, raising=False)
