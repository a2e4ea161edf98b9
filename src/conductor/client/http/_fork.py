"""Fork safety: objects that hold sockets or locks reset them in a forked child.

A child must not reuse its parent's pooled sockets (both would read the same stream), nor a
lock that another parent thread held at fork time. Objects register here when they first
build such state; after ``os.fork()`` each one's ``_after_fork()`` runs in the child.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

_lock = threading.Lock()
_tracked: weakref.WeakSet[Any] = weakref.WeakSet()
_hook_installed = False


def reset_after_fork(obj: Any) -> None:
    """Call ``obj._after_fork()`` in the child after every ``os.fork()``."""
    global _hook_installed
    with _lock:
        if not _hook_installed and hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=after_fork_in_child)
            _hook_installed = True
        _tracked.add(obj)


def after_fork_in_child() -> None:
    """Reset every registered object (what ``os.register_at_fork`` runs in the child)."""
    global _lock
    _lock = threading.Lock()  # another thread may have held it at fork time
    for obj in list(_tracked):
        obj._after_fork()
