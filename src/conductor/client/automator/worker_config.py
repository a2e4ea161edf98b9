"""Per-worker configuration: environment > worker.ini > constructor > default.

Each worker is configured by the **first** of its task definition names. The properties are:

=============================  ========  =============================================
property                       default   meaning
=============================  ========  =============================================
``polling_interval``           100       ms to wait after an empty poll (alias ``poll_interval``)
``domain``                     None      task domain to poll
``thread_count``               1         tasks executed at once by the worker's process
``paused``                     false     true: the worker does not poll
``poll_timeout``               None      ms the server may hold a poll open (long poll); None:
                                         the runtime's 2000 ms; values above 5000 are capped
``lease_extend_enabled``       false     send lease-extension heartbeats for long tasks
``execution_timeout_seconds``  None      fail a task running longer than this (``0``/``none``: off)
``worker_id``                  hostname  identity sent as ``workerid``
``register_task_def``          false     register the task definition when the worker starts
``overwrite_task_def``         true      when registering, replace a definition that exists
=============================  ========  =============================================

Environment variables, first match wins (``<task>`` as written, ``<TASK>`` upper-cased,
``<prop>`` lower-case, ``<PROP>`` upper-case)::

    conductor.worker.<task>.<prop>
    conductor_worker_<task>_<prop>
    CONDUCTOR_WORKER_<task>_<PROP>
    CONDUCTOR_WORKER_<TASK>_<PROP>
    conductor.worker.all.<prop>
    CONDUCTOR_WORKER_ALL_<PROP>
    conductor_worker_all_<prop>
    conductor_worker_<prop>
    CONDUCTOR_WORKER_<PROP>

An empty variable counts as unset. ``worker.ini`` (stdlib :mod:`configparser`, no interpolation)
has one section per task name plus ``[DEFAULT]``; option names are case-insensitive. It is read
from the working directory, else from the directory of the main script, unless a path is given.

Booleans accept ``true/false``, ``1/0``, ``yes/no``, ``on/off`` (any case). Any other invalid
value raises :class:`ValueError` naming the property, where it came from and the value.
"""

from __future__ import annotations

import configparser
import logging
import os
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from conductor.client.automator._config_values import DEFAULT_LONG_POLL_MS, PROPERTY_NAMES
from conductor.client.automator._config_values import PROPERTIES as _PROPERTIES
from conductor.client.automator._config_values import Property as _Property

logger = logging.getLogger(__name__)

WORKER_INI_FILE_NAME = "worker.ini"

SOURCE_ENV = "env"
SOURCE_INI = "worker.ini"
SOURCE_CONSTRUCTOR = "constructor"
SOURCE_DEFAULT = "default"

_APPLIED_ATTRIBUTE = "_conductor_worker_config"


@dataclass(frozen=True)
class WorkerConfig:
    """The effective configuration of one worker and where each value came from.

    ``sources`` maps each property name to ``"env <VARIABLE>"``, ``"worker.ini <path> [section]"``,
    ``"constructor"`` or ``"default"``.
    """

    task_name: str
    polling_interval: float = 100.0
    domain: str | None = None
    thread_count: int = 1
    paused: bool = False
    poll_timeout: int | None = None
    lease_extend_enabled: bool = False
    execution_timeout_seconds: float | None = None
    worker_id: str | None = None
    register_task_def: bool = False
    overwrite_task_def: bool = True
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def poll_interval(self) -> float:
        """Alias of ``polling_interval`` (ms)."""
        return self.polling_interval

    @property
    def polling_interval_seconds(self) -> float:
        """``polling_interval`` converted to seconds."""
        return self.polling_interval / 1000.0


# --- environment --------------------------------------------------------------------------------


def env_variable_names(task_name: str, prop: str) -> list[str]:
    """Every environment variable consulted for ``prop`` of ``task_name``, in precedence order."""
    up = prop.upper()
    names = [
        f"conductor.worker.{task_name}.{prop}",
        f"conductor_worker_{task_name}_{prop}",
        f"CONDUCTOR_WORKER_{task_name}_{up}",
        f"CONDUCTOR_WORKER_{task_name.upper()}_{up}",
        f"conductor.worker.all.{prop}",
        f"CONDUCTOR_WORKER_ALL_{up}",
        f"conductor_worker_all_{prop}",
        f"conductor_worker_{prop}",
        f"CONDUCTOR_WORKER_{up}",
    ]
    return list(dict.fromkeys(names))


def _from_env(
    task_name: str, prop: _Property, environ: Mapping[str, str]
) -> tuple[str, str] | None:
    """(raw value, variable name) of the first non-empty matching variable."""
    task_level, global_level = [], []
    for spelling in prop.spellings:
        names = env_variable_names(task_name, spelling)
        task_level.extend(names[:4])
        global_level.extend(names[4:])
    for name in (*task_level, *global_level):
        value = environ.get(name)
        if value is not None and value.strip() != "":
            return value, name
    return None


# --- worker.ini ---------------------------------------------------------------------------------


def find_worker_ini(ini_path: str | os.PathLike[str] | None = None) -> str | None:
    """Locate ``worker.ini``: ``ini_path`` if given, else the cwd, else beside the main script.

    Raises:
        FileNotFoundError: ``ini_path`` was given and does not exist.
    """
    if ini_path is not None:
        path = os.fspath(ini_path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"worker configuration file not found: {path}")
        return os.path.abspath(path)
    for directory in (os.getcwd(), _main_script_directory()):
        if directory:
            candidate = os.path.join(directory, WORKER_INI_FILE_NAME)
            if os.path.isfile(candidate):
                return candidate
    return None


def _main_script_directory() -> str | None:
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None) or (sys.argv[0] if sys.argv else None)
    if not script:
        return None
    return os.path.dirname(os.path.abspath(script))


def _read_ini(path: str) -> configparser.ConfigParser:
    # DEFAULT is read as an ordinary section so a value's source can name the section it came from.
    parser = configparser.ConfigParser(interpolation=None, default_section="\x00unused")
    try:
        with open(path, encoding="utf-8") as fh:
            parser.read_file(fh, source=path)
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot parse worker configuration file {path}: {exc}") from exc
    return parser


def _from_ini(
    task_name: str, prop: _Property, parser: configparser.ConfigParser | None, path: str | None
) -> tuple[str, str] | None:
    if parser is None:
        return None
    for section in (task_name, "DEFAULT"):
        if not parser.has_section(section):
            continue
        for spelling in prop.spellings:
            value = parser.get(section, spelling, fallback=None)
            if value is not None and value.strip() != "":
                return value, f"{SOURCE_INI} {path} [{section}]"
    return None


# --- constructor values -------------------------------------------------------------------------


def _constructor_values(worker: Any) -> dict[str, Any]:
    """Read the values the worker was built with (decorator, ``Worker(...)``, class attributes)."""
    interval_s = _call(worker, "get_polling_interval_in_seconds")
    polling_ms = (
        float(interval_s) * 1000.0
        if isinstance(interval_s, (int, float))
        else getattr(worker, "poll_interval", 100.0)
    )
    domain = _call(worker, "get_domain") if hasattr(worker, "get_domain") else None
    if domain is None:
        domain = getattr(worker, "domain", None)
    identity = getattr(worker, "worker_id", None) or _call(worker, "get_identity")
    return {
        "polling_interval": polling_ms,
        "domain": domain or None,
        "thread_count": getattr(worker, "thread_count", 1),
        "paused": bool(getattr(worker, "_paused", False)),
        "poll_timeout": getattr(worker, "poll_timeout", None),
        "lease_extend_enabled": bool(getattr(worker, "lease_extend_enabled", False)),
        "execution_timeout_seconds": getattr(worker, "execution_timeout_seconds", None),
        "worker_id": identity,
        "register_task_def": bool(getattr(worker, "register_task_def", False)),
        "overwrite_task_def": bool(getattr(worker, "overwrite_task_def", True)),
    }


def _call(worker: Any, method: str) -> Any:
    function = getattr(worker, method, None)
    return function() if callable(function) else None


def _default_for(prop: _Property) -> Any:
    return socket.gethostname() if prop.name == "worker_id" else prop.default


def _first_task_name(worker: Any) -> str:
    names = getattr(worker, "task_definition_names", None)
    if names:
        return str(next(iter(names)))
    name = getattr(worker, "task_definition_name", None)
    if isinstance(name, (list, tuple)) and name:
        return str(name[0])
    if not name:
        raise ValueError(f"worker {worker!r} has no task definition name")
    return str(name)


# --- public API ---------------------------------------------------------------------------------


def resolve_worker_config(
    worker: Any,
    ini_path: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> WorkerConfig:
    """Resolve the effective configuration of ``worker``.

    If ``apply_worker_config`` already stored a configuration on this worker (the task handler
    does so in the parent process) and no ``ini_path`` is given, that configuration is returned
    unchanged, so a worker process reports the same values and sources as its parent.

    Args:
        worker: a ``WorkerInterface``; its first task name selects env variables and ini section.
        ini_path: ``worker.ini`` to read instead of searching the cwd and the script's directory.
        environ: the environment to read (``os.environ`` by default).

    Returns:
        The typed values plus the source of each.

    Raises:
        ValueError: a value is invalid; the message names property, source and value.
        FileNotFoundError: ``ini_path`` does not exist.
    """
    applied = getattr(worker, _APPLIED_ATTRIBUTE, None)
    if isinstance(applied, WorkerConfig) and ini_path is None and environ is None:
        return applied
    task_name = _first_task_name(worker)
    env = os.environ if environ is None else environ
    path = find_worker_ini(ini_path)
    parser = _read_ini(path) if path is not None else None
    constructed = _constructor_values(worker)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for prop in _PROPERTIES:
        values[prop.name], sources[prop.name] = _resolve_one(
            task_name, prop, env, parser, path, constructed[prop.name]
        )
    return WorkerConfig(task_name=task_name, sources=sources, **values)


def _resolve_one(
    task_name: str,
    prop: _Property,
    environ: Mapping[str, str],
    parser: configparser.ConfigParser | None,
    path: str | None,
    constructed: Any,
) -> tuple[Any, str]:
    found = _from_env(task_name, prop, environ)
    if found is not None:
        raw, variable = found
        return _parse(prop, raw, f"{SOURCE_ENV} {variable}"), f"{SOURCE_ENV} {variable}"
    found = _from_ini(task_name, prop, parser, path)
    if found is not None:
        raw, where = found
        return _parse(prop, raw, where), where
    default = _default_for(prop)
    if constructed is None or constructed == default:
        return default, SOURCE_DEFAULT
    return constructed, SOURCE_CONSTRUCTOR


def _parse(prop: _Property, raw: str, source: str) -> Any:
    try:
        return prop.parse(raw)
    except ValueError as exc:
        raise ValueError(
            f"invalid worker configuration value {prop.name}={raw!r} from {source}: {exc}"
        ) from None


def apply_worker_config(worker: Any, config: WorkerConfig) -> None:
    """Write the env/ini values of ``config`` onto ``worker``; idempotent.

    Values that came from the constructor or defaults are left alone, so a worker class whose
    properties are read-only still works when nothing overrides them. The configuration is stored
    on the worker so that :func:`resolve_worker_config` returns it again in a worker process.
    """
    overridden = {
        name
        for name, source in config.sources.items()
        if source.startswith((SOURCE_ENV, SOURCE_INI))
    }
    if "polling_interval" in overridden:
        worker.poll_interval = config.polling_interval
    if "domain" in overridden:
        worker.domain = config.domain
    if "paused" in overridden:
        worker._paused = config.paused
    for name in (
        "thread_count",
        "poll_timeout",
        "lease_extend_enabled",
        "execution_timeout_seconds",
        "worker_id",
        "register_task_def",
        "overwrite_task_def",
    ):
        if name in overridden:
            setattr(worker, name, getattr(config, name))
    setattr(worker, _APPLIED_ATTRIBUTE, config)


def describe_worker_config(config: WorkerConfig) -> str:
    """One line with each value and its source, for the worker's start-up log line."""
    parts = []
    for name in PROPERTY_NAMES:
        value = getattr(config, name)
        source = config.sources.get(name, SOURCE_DEFAULT)
        if name == "poll_timeout" and value is None:
            parts.append(f"{name}={DEFAULT_LONG_POLL_MS} ms (runtime default)")
            continue
        unit = " ms" if name in ("polling_interval", "poll_timeout") and value is not None else ""
        parts.append(f"{name}={value!r}{unit} ({source})")
    return f"worker {config.task_name!r}: " + ", ".join(parts)
