"""worker.ini.example (top level): every property it documents is read as documented."""

from __future__ import annotations

from pathlib import Path

from conductor.client.automator.worker_config import resolve_worker_config
from conductor.client.worker.worker import Worker

EXAMPLE = Path(__file__).resolve().parents[2] / "worker.ini.example"


def _noop(task_input: dict) -> dict:
    return task_input


def test_every_property_of_the_example_is_applied() -> None:
    config = resolve_worker_config(Worker("send_email", _noop), EXAMPLE, environ={})
    assert (config.polling_interval, config.poll_timeout) == (2000.0, None)
    assert config.domain == "emails_eu"
    assert config.thread_count == 4
    assert config.paused is False
    assert config.execution_timeout_seconds == 300.0
    assert config.lease_extend_enabled is False
    assert config.worker_id == "mailer-1"
    assert (config.register_task_def, config.overwrite_task_def) == (False, True)
    assert config.sources["domain"].endswith("[send_email]")
    assert config.sources["polling_interval"].endswith("[DEFAULT]")


def test_other_workers_get_only_the_default_section() -> None:
    config = resolve_worker_config(Worker("other", _noop, domain="x"), EXAMPLE, environ={})
    assert (config.domain, config.thread_count) == ("nice", 1)
    assert config.sources["domain"].endswith("[DEFAULT]")
