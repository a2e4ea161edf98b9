"""swift-conductor name for ``conductor.client.http.models``: the same model classes."""

from __future__ import annotations

from conductor.client.http.models import *  # noqa: F403
from conductor.client.http.models import __all__ as __all__
