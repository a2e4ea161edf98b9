"""Telling whether a method is still the SDK's (or requests') own, or was replaced.

Fast paths skip layers (``Session.request``, ``ApiClient.call_api``...) that a subclass or a
test double may have replaced; when one was, the call must go through it. The originals are
saved when their module is imported, so a double patched onto the class later is told apart.
"""

from __future__ import annotations

from typing import Any


def replaced(obj: object, name: str, original: Any) -> bool:
    """Whether ``obj.name`` is not ``original``: set on the instance, or a different class
    attribute (a subclass's override, or a double patched onto the class)."""
    return name in getattr(obj, "__dict__", ()) or getattr(type(obj), name, None) is not original
