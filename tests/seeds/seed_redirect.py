"""Test harness for composed seed scripts: send ``http://localhost:8080/api`` to the test server.

Some seed snippets build ``Configuration(server_api_url='http://localhost:8080/api', ...)``.
Imported first by a composed script, this module makes a ``Configuration`` that resolved to
exactly that URL use ``$SEED_TEST_SERVER_URL`` instead. Nothing else changes.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from conductor.client.configuration.configuration import Configuration

SEED_URL = "http://localhost:8080/api"

_original_init = Configuration.__init__


@functools.wraps(_original_init)
def _redirecting_init(self: Configuration, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    target = os.environ.get("SEED_TEST_SERVER_URL")
    if target and self.host == SEED_URL:
        self.host = target


Configuration.__init__ = _redirecting_init  # type: ignore[method-assign]
