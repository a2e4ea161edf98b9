"""Sending workers to ``spawn``/``forkserver`` children: functions travel by reference.

A spawned child re-imports the worker's module and looks the function up by module and
qualified name. The registry holds the *undecorated* function while the module attribute is
the decorator's wrapper, so plain pickling refuses it ("not the same object"). We record how
many ``__wrapped__`` hops lead from the module attribute to the function and repeat them in
the child.
"""

from __future__ import annotations

import importlib
import pickle
import sys
import types
from typing import Any, Callable

__all__ = ["FunctionReference", "ensure_picklable", "picklable_function", "resolve_function"]

UNDECORATED_ATTR = "__conductor_undecorated__"  # set on our decorators' wrappers
_MAX_HOPS = 32


def undecorated(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Return the function under a ``@worker_task``/``@WorkerTask`` wrapper (else ``fn``)."""
    inner = getattr(fn, UNDECORATED_ATTR, None)
    return inner if callable(inner) else fn


class FunctionReference:
    """Pickles as "import ``module``, get ``qualname``, follow ``__wrapped__`` ``hops`` times"."""

    def __init__(self, module: str, qualname: str, hops: int) -> None:
        self.module = module
        self.qualname = qualname
        self.hops = hops

    def __reduce__(self) -> tuple[Any, ...]:
        return (resolve_function, (self.module, self.qualname, self.hops))


def resolve_function(module: str, qualname: str, hops: int = 0) -> Callable[..., Any]:
    """Import ``module`` and return the function ``qualname`` names, ``hops`` wrappers down.

    Raises:
        ImportError: the module cannot be imported.
        AttributeError: the name, or a wrapper on the way, is not there.
    """
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    for _ in range(hops):
        target = target.__wrapped__
    if not callable(target):
        raise AttributeError(f"{module}.{qualname} is not callable")
    return target  # type: ignore[no-any-return]


def reference_for(fn: types.FunctionType) -> FunctionReference | None:
    """Return how to find ``fn`` again by import, or None when it is not reachable that way."""
    module_name = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", "")
    if not module_name or "<locals>" in qualname or "<lambda>" in qualname:
        return None
    target: Any = sys.modules.get(module_name)
    for part in qualname.split("."):
        target = getattr(target, part, None)
    hops = 0
    while target is not fn:
        target = getattr(target, "__wrapped__", None)
        hops += 1
        if target is None or hops > _MAX_HOPS:
            return None
    return FunctionReference(module_name, qualname, hops)


def picklable_function(fn: Callable[..., Any], task_name: str) -> Any:
    """Return what to pickle in place of ``fn``: a reference for a plain function.

    Other callables (bound methods, ``functools.partial``, callable objects) pickle as
    themselves.

    Raises:
        pickle.PicklingError: ``fn`` is a lambda or nested function, or cannot be found
            under its module and name.
    """
    if not isinstance(fn, types.FunctionType):
        return fn
    reference = reference_for(fn)
    if reference is None:
        raise pickle.PicklingError(
            f"The function {fn.__module__}.{fn.__qualname__} of the worker for task "
            f"{task_name!r} cannot be sent to a spawned process: it is a lambda, a nested "
            "function, or not reachable under its module and name. Define it at module "
            "level, or run workers with the 'fork' start method."
        )
    return reference


def ensure_picklable(worker: Any) -> None:
    """Check that ``worker`` can be sent to a ``spawn``/``forkserver`` child process.

    Raises:
        pickle.PicklingError: it cannot; the message names the worker and the reason.
    """
    try:
        pickle.dumps(worker)
    except Exception as exc:
        names = getattr(worker, "task_definition_name", None)
        raise pickle.PicklingError(
            f"Worker {type(worker).__qualname__} for task {names!r} cannot be sent to a "
            f"spawned process: {exc}. Workers, their classes and functions must be defined "
            "at module level in an importable module (or use the 'fork' start method)."
        ) from exc
