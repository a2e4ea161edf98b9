"""Worker configuration: env > worker.ini > constructor > default, every spelling, bad values."""

from __future__ import annotations

import itertools
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from conductor.client.automator.worker_config import (
    WorkerConfig,
    apply_worker_config,
    describe_worker_config,
    env_variable_names,
    find_worker_ini,
    resolve_worker_config,
)
from conductor.client.worker.worker import Worker

TASK = "my_task"


def _noop(task: Any) -> dict[str, Any]:
    return {}


def _worker(name: str | list[str] = TASK, **kwargs: Any) -> Worker:
    return Worker(task_definition_name=name, execute_function=_noop, **kwargs)


@pytest.fixture(autouse=True)
def work_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No stray worker.ini: cwd and the 'main script' directory are empty temp dirs."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    script_dir = tmp_path / "script"
    script_dir.mkdir()
    monkeypatch.setattr(sys, "argv", [str(script_dir / "main.py")])
    monkeypatch.delattr(sys.modules["__main__"], "__file__", raising=False)
    return work


def _write_ini(directory: Path, text: str) -> Path:
    path = directory / "worker.ini"
    path.write_text(text, encoding="utf-8")
    return path


# --- precedence: every combination of env / ini / constructor --------------------------------

# Which of (env, worker.ini, constructor) set the value: all eight combinations.
PRECEDENCE = list(itertools.product((True, False), repeat=3))


@pytest.mark.parametrize(("env", "ini", "ctor"), PRECEDENCE)
@pytest.mark.parametrize(
    ("prop", "values", "ctor_kwargs"),
    [
        ("polling_interval", (300.0, 200.0, 150.0), "poll_interval"),
        ("domain", ("from_env", "from_ini", "from_ctor"), "domain"),
        ("thread_count", (4, 3, 2), "thread_count"),
        ("poll_timeout", (400, 300, 200), "poll_timeout"),
    ],
)
def test_precedence_env_over_ini_over_constructor_over_default(
    monkeypatch: pytest.MonkeyPatch,
    work_dir: Path,
    env: bool,
    ini: bool,
    ctor: bool,
    prop: str,
    values: tuple[Any, Any, Any],
    ctor_kwargs: str,
) -> None:
    env_value, ini_value, ctor_value = values
    if env:
        monkeypatch.setenv(f"conductor_worker_{TASK}_{prop}", str(env_value))
    if ini:
        _write_ini(work_dir, f"[{TASK}]\n{prop} = {ini_value}\n")
    worker = _worker(**({ctor_kwargs: ctor_value} if ctor else {}))

    config = resolve_worker_config(worker)

    if env:
        expected, source = env_value, "env"
    elif ini:
        expected, source = ini_value, "worker.ini"
    elif ctor:
        expected, source = ctor_value, "constructor"
    else:
        expected, source = getattr(WorkerConfig(TASK), prop), "default"
    assert getattr(config, prop) == expected
    assert config.sources[prop].startswith(source)


def test_defaults_of_a_plain_worker() -> None:
    config = resolve_worker_config(_worker())
    assert config == WorkerConfig(
        task_name=TASK,
        polling_interval=100.0,
        domain=None,
        thread_count=1,
        paused=False,
        poll_timeout=None,
        lease_extend_enabled=False,
        execution_timeout_seconds=None,
        worker_id=socket.gethostname(),
        register_task_def=False,
        overwrite_task_def=True,
        sources=config.sources,
    )
    assert set(config.sources.values()) == {"default"}


def test_a_poll_timeout_equal_to_the_old_default_is_explicit() -> None:
    config = resolve_worker_config(_worker(poll_timeout=100))
    assert (config.poll_timeout, config.sources["poll_timeout"]) == (100, "constructor")


@pytest.mark.parametrize("source", ["env", "ini"])
def test_task_def_registration_options_from_env_or_ini(
    monkeypatch: pytest.MonkeyPatch, work_dir: Path, source: str
) -> None:
    if source == "env":
        monkeypatch.setenv("conductor.worker.my_task.register_task_def", "true")
        monkeypatch.setenv("CONDUCTOR_WORKER_ALL_OVERWRITE_TASK_DEF", "false")
    else:
        _write_ini(work_dir, "[DEFAULT]\nregister_task_def = yes\noverwrite_task_def = off\n")
    worker = _worker()
    config = resolve_worker_config(worker)
    apply_worker_config(worker, config)
    assert (config.register_task_def, config.overwrite_task_def) == (True, False)
    assert config.sources["register_task_def"].startswith("env" if source == "env" else "worker")
    assert (worker.register_task_def, worker.overwrite_task_def) == (True, False)


def test_task_def_registration_options_from_the_constructor() -> None:
    config = resolve_worker_config(_worker(register_task_def=True, overwrite_task_def=False))
    assert (config.register_task_def, config.overwrite_task_def) == (True, False)
    assert config.sources["overwrite_task_def"] == "constructor"


# --- every env spelling, and their order -------------------------------------------------------


def test_env_spellings_in_precedence_order() -> None:
    assert env_variable_names("Task", "domain") == [
        "conductor.worker.Task.domain",
        "conductor_worker_Task_domain",
        "CONDUCTOR_WORKER_Task_DOMAIN",
        "CONDUCTOR_WORKER_TASK_DOMAIN",
        "conductor.worker.all.domain",
        "CONDUCTOR_WORKER_ALL_DOMAIN",
        "conductor_worker_all_domain",
        "conductor_worker_domain",
        "CONDUCTOR_WORKER_DOMAIN",
    ]


SPELLINGS = env_variable_names("MyTask", "domain")


@pytest.mark.parametrize("variable", SPELLINGS)
def test_each_env_spelling_is_read(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "d1")
    config = resolve_worker_config(_worker("MyTask", domain="ctor"))
    assert config.domain == "d1"
    assert config.sources["domain"] == f"env {variable}"


@pytest.mark.parametrize(
    ("earlier", "later"),
    [(SPELLINGS[i], SPELLINGS[j]) for i in range(len(SPELLINGS)) for j in range(i + 1, 9)],
)
def test_earlier_env_spelling_wins(
    monkeypatch: pytest.MonkeyPatch, earlier: str, later: str
) -> None:
    monkeypatch.setenv(later, "later")
    monkeypatch.setenv(earlier, "earlier")
    assert resolve_worker_config(_worker("MyTask")).domain == "earlier"


def test_upper_cased_task_name_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDUCTOR_WORKER_MY_TASK_POLLING_INTERVAL", "250")
    assert resolve_worker_config(_worker("my_task")).polling_interval == 250.0


@pytest.mark.parametrize(
    "variable",
    [
        "conductor_worker_my_task_poll_interval",
        "conductor.worker.my_task.poll_interval",
        "CONDUCTOR_WORKER_MY_TASK_POLL_INTERVAL",
        "conductor_worker_poll_interval",
        "CONDUCTOR_WORKER_ALL_POLL_INTERVAL",
    ],
)
def test_poll_interval_alias(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "750")
    config = resolve_worker_config(_worker())
    assert config.polling_interval == config.poll_interval == 750.0
    assert config.polling_interval_seconds == 0.75


def test_task_level_env_beats_global_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("conductor.worker.all.thread_count", "8")
    monkeypatch.setenv("CONDUCTOR_WORKER_my_task_THREAD_COUNT", "3")
    assert resolve_worker_config(_worker()).thread_count == 3
    assert resolve_worker_config(_worker("other")).thread_count == 8


def test_empty_env_value_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("conductor_worker_my_task_domain", "")
    monkeypatch.setenv("conductor_worker_domain", "global")
    assert resolve_worker_config(_worker()).domain == "global"


def test_first_task_name_of_a_list_selects_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("conductor_worker_first_domain", "one")
    monkeypatch.setenv("conductor_worker_second_domain", "two")
    config = resolve_worker_config(_worker(["first", "second"]))
    assert (config.task_name, config.domain) == ("first", "one")


# --- booleans and the other properties ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("On", True),
        ("false", False), ("0", False), ("no", False), ("OFF", False),
    ],
)  # fmt: skip
def test_boolean_spellings(monkeypatch: pytest.MonkeyPatch, text: str, expected: bool) -> None:
    monkeypatch.setenv("conductor.worker.my_task.paused", text)
    monkeypatch.setenv("CONDUCTOR_WORKER_LEASE_EXTEND_ENABLED", text)
    config = resolve_worker_config(_worker())
    assert config.paused is expected
    assert config.lease_extend_enabled is expected


@pytest.mark.parametrize(
    ("text", "expected"), [("2.5", 2.5), ("30", 30.0), ("0", None), ("none", None)]
)
def test_execution_timeout(monkeypatch: pytest.MonkeyPatch, text: str, expected: Any) -> None:
    monkeypatch.setenv("conductor_worker_execution_timeout_seconds", text)
    assert resolve_worker_config(_worker()).execution_timeout_seconds == expected


def test_worker_id_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONDUCTOR_WORKER_MY_TASK_WORKER_ID", "box-7")
    worker = _worker(worker_id="ctor-id")
    config = resolve_worker_config(worker)
    assert (config.worker_id, config.sources["worker_id"]) == (
        "box-7",
        "env CONDUCTOR_WORKER_MY_TASK_WORKER_ID",
    )
    apply_worker_config(worker, config)
    assert worker.get_identity() == "box-7"


# --- worker.ini ------------------------------------------------------------------------------


INI = """
[DEFAULT]
domain = nice
polling_interval = 2000

[python_annotated_task_1]
domain = cool
polling_interval = 500

[python_annotated_task_2]
DOMAIN = hot
"""


@pytest.mark.parametrize(
    ("task", "domain", "interval", "domain_section", "interval_section"),
    [
        ("python_annotated_task_1", "cool", 500.0, *["python_annotated_task_1"] * 2),
        ("python_annotated_task_2", "hot", 2000.0, "python_annotated_task_2", "DEFAULT"),
        ("python_annotated_task_3", "nice", 2000.0, "DEFAULT", "DEFAULT"),
        ("PYTHON_ANNOTATED_TASK_1", "nice", 2000.0, "DEFAULT", "DEFAULT"),  # sections: exact case
    ],
)  # fmt: skip
def test_ini_sections_and_default(
    work_dir: Path,
    task: str,
    domain: str,
    interval: float,
    domain_section: str,
    interval_section: str,
) -> None:
    path = _write_ini(work_dir, INI)
    config = resolve_worker_config(_worker(task, domain="ctor", poll_interval=100))
    assert (config.domain, config.polling_interval) == (domain, interval)
    assert config.sources["domain"] == f"worker.ini {path} [{domain_section}]"
    assert config.sources["polling_interval"] == f"worker.ini {path} [{interval_section}]"


def test_ini_poll_interval_alias(work_dir: Path) -> None:
    _write_ini(work_dir, f"[{TASK}]\npoll_interval = 321\n")
    assert resolve_worker_config(_worker()).polling_interval == 321.0


def test_ini_beside_main_script_when_not_in_cwd(tmp_path: Path) -> None:
    _write_ini(tmp_path / "script", f"[{TASK}]\ndomain = beside\n")
    assert resolve_worker_config(_worker()).domain == "beside"


def test_ini_in_cwd_wins_over_beside_script(tmp_path: Path, work_dir: Path) -> None:
    _write_ini(tmp_path / "script", f"[{TASK}]\ndomain = beside\n")
    _write_ini(work_dir, f"[{TASK}]\ndomain = cwd\n")
    assert resolve_worker_config(_worker()).domain == "cwd"


def test_explicit_ini_path(tmp_path: Path, work_dir: Path) -> None:
    _write_ini(work_dir, f"[{TASK}]\ndomain = cwd\n")
    other = tmp_path / "elsewhere.ini"
    other.write_text(f"[{TASK}]\ndomain = explicit\n", encoding="utf-8")
    assert resolve_worker_config(_worker(), ini_path=other).domain == "explicit"
    assert find_worker_ini(other) == str(other)


def test_missing_explicit_ini_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.ini"):
        resolve_worker_config(_worker(), ini_path=tmp_path / "nope.ini")


def test_env_beats_ini_default_section(monkeypatch: pytest.MonkeyPatch, work_dir: Path) -> None:
    _write_ini(work_dir, "[DEFAULT]\nthread_count = 5\n")
    monkeypatch.setenv("conductor_worker_thread_count", "6")
    assert resolve_worker_config(_worker()).thread_count == 6


# --- invalid values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("polling_interval", "fast"),
        ("polling_interval", "-5"),
        ("polling_interval", "nan"),
        ("thread_count", "0"),
        ("thread_count", "2.5"),
        ("paused", "maybe"),
        ("poll_timeout", "-1"),
        ("poll_timeout", "soon"),
        ("lease_extend_enabled", "sometimes"),
        ("execution_timeout_seconds", "-3"),
        ("execution_timeout_seconds", "long"),
        ("register_task_def", "please"),
        ("overwrite_task_def", "2"),
    ],
)
def test_invalid_env_value_names_key_source_and_value(
    monkeypatch: pytest.MonkeyPatch, prop: str, value: str
) -> None:
    variable = f"CONDUCTOR_WORKER_{TASK.upper()}_{prop.upper()}"
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match="invalid worker configuration value") as info:
        resolve_worker_config(_worker())
    message = str(info.value)
    assert prop in message
    assert variable in message
    assert repr(value) in message


def test_invalid_ini_value_names_file_and_section(work_dir: Path) -> None:
    path = _write_ini(work_dir, f"[{TASK}]\nthread_count = many\n")
    with pytest.raises(ValueError, match="thread_count='many'") as info:
        resolve_worker_config(_worker())
    assert f"{path} [{TASK}]" in str(info.value)


def test_unparsable_ini_file_is_an_error(work_dir: Path) -> None:
    _write_ini(work_dir, "domain = no section header\n")
    with pytest.raises(ValueError, match="cannot parse worker configuration file"):
        resolve_worker_config(_worker())


# --- apply / describe ---------------------------------------------------------------------------


def test_apply_writes_overrides_onto_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("conductor_worker_my_task_polling_interval", "1500")
    monkeypatch.setenv("conductor_worker_my_task_domain", "blue")
    monkeypatch.setenv("conductor_worker_my_task_paused", "true")
    monkeypatch.setenv("conductor_worker_my_task_thread_count", "7")
    worker = _worker(domain="ctor")
    config = resolve_worker_config(worker)
    apply_worker_config(worker, config)
    apply_worker_config(worker, config)  # idempotent
    assert worker.poll_interval == 1500.0
    assert worker.get_polling_interval_in_seconds() == 1.5
    assert worker.get_domain() == "blue"
    assert worker.paused() is True
    assert worker.thread_count == 7


def test_applied_config_is_returned_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("conductor_worker_my_task_domain", "first")
    worker = _worker()
    config = resolve_worker_config(worker)
    apply_worker_config(worker, config)
    monkeypatch.setenv("conductor_worker_my_task_domain", "changed")
    assert resolve_worker_config(worker) is config
    assert resolve_worker_config(worker, environ={}).domain == "first"  # now the constructor value


def test_describe_names_every_value_and_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("conductor_worker_my_task_domain", "blue")
    text = describe_worker_config(resolve_worker_config(_worker(thread_count=2)))
    assert text.startswith("worker 'my_task': polling_interval=100.0 ms (default)")
    assert "domain='blue' (env conductor_worker_my_task_domain)" in text
    assert "thread_count=2 (constructor)" in text
    assert "paused=False (default)" in text
    assert "poll_timeout=2000 ms (runtime default)" in text
    assert "register_task_def=False (default)" in text
    explicit = describe_worker_config(resolve_worker_config(_worker(poll_timeout=100)))
    assert "poll_timeout=100 ms (constructor)" in explicit
