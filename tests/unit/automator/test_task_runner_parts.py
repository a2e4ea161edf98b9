"""The runner's building blocks on their own: backoff, timers, slots, result posting, polling."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from conductor.client.automator import _runner_poll
from conductor.client.automator._backoff import Backoff
from conductor.client.automator._config_values import DEFAULT_LONG_POLL_MS, MAX_LONG_POLL_MS
from conductor.client.automator._lease import LeaseKeeper
from conductor.client.automator._runner_poll import Poller, long_poll_ms
from conductor.client.automator._runner_state import Slots, StopState
from conductor.client.automator._runner_timers import Timers
from conductor.client.automator._runner_update import UpdateSender
from conductor.client.automator.worker_config import apply_worker_config, resolve_worker_config
from conductor.client.http.models.task import Task
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.task_result_status import TaskResultStatus
from conductor.client.http.rest import ApiException, AuthorizationException
from conductor.client.worker.worker import Worker


def _result(task_id: str = "t1") -> TaskResult:
    return TaskResult(
        task_id=task_id, workflow_instance_id="wf1", status=TaskResultStatus.COMPLETED
    )


class ScriptedTaskApi:
    """A task client whose answers are scripted per method: a value, or an exception to raise."""

    def __init__(self, **script: list[Any]) -> None:
        self.script = {name: list(answers) for name, answers in script.items()}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _answer(self, name: str, **kwargs: Any) -> Any:
        self.calls.append((name, kwargs))
        answers = self.script.get(name) or [None]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def poll(self, tasktype: str, **kwargs: Any) -> Any:
        return self._answer("poll", tasktype=tasktype, **kwargs)

    def batch_poll(self, tasktype: str, **kwargs: Any) -> Any:
        return self._answer("batch_poll", tasktype=tasktype, **kwargs)

    def update_task(self, body: TaskResult, **kwargs: Any) -> Any:
        return self._answer("update_task", body=body, **kwargs)

    def update_task_v2(self, body: TaskResult, **kwargs: Any) -> Any:
        return self._answer("update_task_v2", body=body, **kwargs)


def _fast_sender(api: ScriptedTaskApi, stop: StopState | None = None, **kw: Any) -> UpdateSender:
    return UpdateSender(api, stop or StopState(), **kw)  # type: ignore[arg-type]


@pytest.fixture
def quick_update_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    from conductor.client.automator import _runner_update

    monkeypatch.setattr(_runner_update, "UPDATE_BACKOFF", Backoff(base_s=0.001, cap_s=0.005))


# --- Backoff ------------------------------------------------------------------------------------


def test_backoff_grows_caps_and_resets() -> None:
    backoff = Backoff(base_s=1.0, cap_s=5.0, jitter=0.0)
    assert backoff.delay_s() == 0.0
    delays = []
    for _ in range(5):
        backoff = backoff.increment()
        delays.append(backoff.delay_s())
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert backoff.reset().delay_s() == 0.0
    assert backoff.failures == 5  # immutable: reset returned a new value


def test_backoff_jitter_stays_within_the_fraction() -> None:
    backoff = Backoff(base_s=1.0, cap_s=1.0, jitter=0.5).increment()
    samples = [backoff.delay_s() for _ in range(200)]
    assert all(0.5 <= s <= 1.0 for s in samples)
    assert len(set(samples)) > 1


def test_backoff_survives_huge_failure_counts() -> None:
    assert Backoff(base_s=0.1, cap_s=3.0, jitter=0.0, failures=10_000).delay_s() == 3.0


@pytest.mark.parametrize(
    "kwargs",
    [{"base_s": -1, "cap_s": 1}, {"base_s": 2, "cap_s": 1}, {"base_s": 1, "cap_s": 2, "jitter": 2}],
)
def test_backoff_rejects_bad_parameters(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Backoff"):
        Backoff(**kwargs)


# --- Timers and Slots ---------------------------------------------------------------------------


def test_timers_run_in_time_order_and_skip_cancelled() -> None:
    timers = Timers("test-timers")
    ran: list[str] = []
    done = threading.Event()
    try:
        now = time.monotonic()
        timers.call_at(now + 0.06, lambda: (ran.append("c"), done.set()))
        cancelled = timers.call_at(now + 0.02, lambda: ran.append("x"))
        timers.call_at(now + 0.04, lambda: ran.append("b"))
        timers.call_at(now + 0.01, lambda: ran.append("a"))
        cancelled.cancel()
        assert done.wait(5)
    finally:
        timers.close()
    assert ran == ["a", "b", "c"]


def test_timers_keep_running_after_a_failing_callback(caplog: pytest.LogCaptureFixture) -> None:
    timers = Timers("test-timers")
    done = threading.Event()

    def boom() -> None:
        raise RuntimeError("callback bug")

    try:
        timers.call_later(0, boom)
        timers.call_later(0.01, done.set)
        assert done.wait(5)
    finally:
        timers.close()
    assert "callback bug" in caplog.text


def test_timers_compact_many_cancelled_entries() -> None:
    timers = Timers("test-timers")
    try:
        handles = [timers.call_later(3600, lambda: None) for _ in range(3000)]
        for handle in handles:
            handle.cancel()
        assert len(timers._heap) < 3000
    finally:
        timers.close()


def test_slots_count_and_wake_waiters() -> None:
    slots = Slots(2)
    assert slots.wait_free(0) == 2
    slots.take()
    slots.take()
    assert slots.wait_free(0.01) == 0
    assert not slots.wait_idle(0.01)
    threading.Timer(0.02, slots.release).start()
    assert slots.wait_free(5) == 1
    slots.release()
    assert slots.wait_idle(0)


# --- UpdateSender -------------------------------------------------------------------------------


def test_update_v2_returns_the_next_task() -> None:
    following = Task(task_id="t2", workflow_instance_id="wf2")
    api = ScriptedTaskApi(update_task_v2=[following])
    assert _fast_sender(api).send(_result(), "type") is following
    assert api.names() == ["update_task_v2"]


@pytest.mark.parametrize("status", [404, 405])
def test_update_v2_missing_switches_to_v1_for_good(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    api = ScriptedTaskApi(update_task_v2=[ApiException(status=status, reason="Not Found")])
    sender = _fast_sender(api)
    with caplog.at_level(logging.INFO):
        assert sender.send(_result("t1"), "type") is None
        assert sender.send(_result("t2"), "type") is None
    assert api.names() == ["update_task_v2", "update_task", "update_task"]
    assert not sender.use_v2
    assert caplog.text.count("POST /tasks from now on") == 1


def test_update_v2_404_for_an_unknown_task_keeps_v2(caplog: pytest.LogCaptureFixture) -> None:
    gone = ApiException(status=404, reason="Not Found", body='{"message":"No such task"}')
    api = ScriptedTaskApi(update_task_v2=[gone], update_task=[gone])
    sender = _fast_sender(api)
    assert sender.send(_result(), "type") is None
    assert sender.use_v2
    assert api.names() == ["update_task_v2", "update_task"]  # 404 on v1 too: not retried
    assert "rejected the result of task t1 (workflow wf1" in caplog.text


@pytest.mark.usefixtures("quick_update_backoff")
def test_update_is_retried_until_it_succeeds(caplog: pytest.LogCaptureFixture) -> None:
    down = ApiException(status=503, reason="Service Unavailable")
    api = ScriptedTaskApi(
        update_task_v2=[down, down, ApiException(status=0, reason="refused"), None]
    )
    with caplog.at_level(logging.DEBUG):
        assert _fast_sender(api).send(_result(), "type") is None
    assert api.names() == ["update_task_v2"] * 4
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per streak, not per attempt
    assert "works again (after 3 failed attempts)" in caplog.text


@pytest.mark.parametrize("status", [400, 409, 413])
def test_update_rejected_for_good_is_not_retried(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    api = ScriptedTaskApi(update_task_v2=[ApiException(status=status, reason="Bad", body="nope")])
    assert _fast_sender(api).send(_result(), "type") is None
    assert api.names() == ["update_task_v2"]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "t1" in errors[0].getMessage()
    assert "wf1" in errors[0].getMessage()


@pytest.mark.usefixtures("quick_update_backoff")
@pytest.mark.parametrize("status", [408, 429, 500])
def test_update_transient_statuses_are_retried(status: int) -> None:
    api = ScriptedTaskApi(update_task_v2=[ApiException(status=status, reason="later"), None])
    _fast_sender(api).send(_result(), "type")
    assert api.names() == ["update_task_v2", "update_task_v2"]


@pytest.mark.usefixtures("quick_update_backoff")
def test_update_gives_up_at_the_deadline_with_an_error(caplog: pytest.LogCaptureFixture) -> None:
    api = ScriptedTaskApi(update_task_v2=[ApiException(status=503, reason="down")])
    assert _fast_sender(api, deadline_s=0.05).send(_result(), "type") is None
    assert len(api.calls) >= 2
    drop = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(drop) == 1
    message = drop[0].getMessage()
    assert "Giving up on the result of task t1 (workflow wf1" in message


def test_update_after_stop_uses_v1_and_honours_the_drain_deadline() -> None:
    stop = StopState()
    stop.requested = True
    stop.begin(0.0)  # draining, and the drain deadline already passed
    api = ScriptedTaskApi(update_task=[ApiException(status=503, reason="down")])
    assert _fast_sender(api, stop).send(_result(), "type") is None
    assert api.names() == ["update_task"]  # v1: nothing new is handed out while draining


def test_update_unreadable_2xx_reply_counts_as_delivered(caplog: pytest.LogCaptureFixture) -> None:
    api = ScriptedTaskApi(
        update_task_v2=[ApiException(status=200, reason="response body could not be parsed")]
    )
    assert _fast_sender(api).send(_result(), "type") is None
    assert api.names() == ["update_task_v2"]
    assert "accepted the result of task t1" in caplog.text


@pytest.mark.usefixtures("quick_update_backoff")
def test_update_unexpected_exception_is_logged_with_traceback_and_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = ScriptedTaskApi(update_task_v2=[KeyError("bug"), None])
    _fast_sender(api).send(_result(), "type")
    assert api.names() == ["update_task_v2", "update_task_v2"]
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.ERROR)


# --- Poller -------------------------------------------------------------------------------------


def _worker(**kwargs: Any) -> Worker:
    return Worker("poll_type", lambda task: {}, **kwargs)


def test_long_poll_default_applies_when_poll_timeout_is_not_set() -> None:
    worker = _worker()
    assert worker.poll_timeout is None
    assert long_poll_ms(worker) == DEFAULT_LONG_POLL_MS


@pytest.mark.parametrize("wait_ms", [0, 100, 250, MAX_LONG_POLL_MS])
def test_long_poll_uses_an_explicit_poll_timeout_as_given(wait_ms: int) -> None:
    # 100 used to be the default and was then replaced by the runtime's; it is a value like any.
    assert long_poll_ms(_worker(poll_timeout=wait_ms)) == wait_ms


@pytest.mark.parametrize("source", ["env", "ini"])
def test_long_poll_honours_poll_timeout_from_env_or_ini(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, source: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if source == "env":
        monkeypatch.setenv("conductor_worker_poll_type_poll_timeout", "100")
    else:
        (tmp_path / "worker.ini").write_text("[poll_type]\npoll_timeout = 100\n", encoding="utf-8")
    worker = _worker()
    config = resolve_worker_config(worker)
    apply_worker_config(worker, config)
    assert config.sources["poll_timeout"].startswith("env" if source == "env" else "worker.ini")
    assert long_poll_ms(worker) == 100


def test_long_poll_above_the_server_limit_is_capped_and_warned_about_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = Worker(f"capped_{time.monotonic_ns()}", lambda task: {}, poll_timeout=60_000)
    with caplog.at_level(logging.WARNING, logger=_runner_poll.__name__):
        assert long_poll_ms(worker) == MAX_LONG_POLL_MS
        assert long_poll_ms(worker) == MAX_LONG_POLL_MS
    warnings = [r for r in caplog.records if "above the server's limit" in r.getMessage()]
    assert len(warnings) == 1
    assert "poll_timeout=60000 ms" in warnings[0].getMessage()


def test_long_poll_default_is_shared_between_task_names() -> None:
    worker = Worker(["a", "b"], lambda task: {})
    assert long_poll_ms(worker) == DEFAULT_LONG_POLL_MS // 2


def _poller(api: ScriptedTaskApi, worker: Worker | None = None) -> Poller:
    return Poller(worker or _worker(domain="dom"), api, None, wait_ms=700, connect_timeout_s=3.0)  # type: ignore[arg-type]


def test_poller_sends_count_wait_identity_and_domain() -> None:
    task = Task(task_id="t1")
    api = ScriptedTaskApi(batch_poll=[[task]])
    assert _poller(api).poll("poll_type", 3) == [task]
    ((_, kwargs),) = api.calls
    assert kwargs["count"] == 3
    assert kwargs["timeout"] == 700
    assert kwargs["domain"] == "dom"
    assert kwargs["workerid"]
    assert kwargs["_request_timeout"] == (3.0, 0.7 + _runner_poll.LONG_POLL_READ_MARGIN_S)


def test_poller_treats_none_as_empty() -> None:
    assert _poller(ScriptedTaskApi(batch_poll=[None])).poll("poll_type", 1) == []


def test_poller_backs_off_and_logs_once_per_streak(caplog: pytest.LogCaptureFixture) -> None:
    down = ApiException(status=0, reason="connection refused")
    api = ScriptedTaskApi(batch_poll=[down, down, down, [Task(task_id="t1")]])
    poller = _poller(api)
    delays = []
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            assert poller.poll("poll_type", 1) == []
            delays.append(poller.error_delay_s)
        assert len(poller.poll("poll_type", 1)) == 1
    assert delays[0] > 0
    assert max(delays) <= _runner_poll.POLL_BACKOFF.cap_s
    assert poller.error_delay_s == 0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "works again after 3 failed attempts" in caplog.text


def test_poller_auth_failure_is_an_error_with_a_longer_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    refused = AuthorizationException(
        status=401, reason="Unauthorized", body='{"error":"INVALID_TOKEN","message":"bad"}'
    )
    api = ScriptedTaskApi(batch_poll=[refused])
    poller = _poller(api)
    poller.poll("poll_type", 1)
    poller.poll("poll_type", 1)
    assert poller.error_delay_s >= _runner_poll.AUTH_BACKOFF.base_s * 2 * 0.5
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "401" in errors[0]
    assert "INVALID_TOKEN" in errors[0]


def test_poller_falls_back_to_the_single_poll_when_batch_is_missing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    task = Task(task_id="t1")
    missing = ApiException(status=405, reason="Method Not Allowed")
    api = ScriptedTaskApi(batch_poll=[missing], poll=[task, None])
    poller = _poller(api)
    with caplog.at_level(logging.INFO):
        assert poller.poll("poll_type", 3) == [task]
        assert poller.poll("poll_type", 3) == []
    assert api.names() == ["batch_poll", "poll", "poll"]
    assert poller.single
    assert caplog.text.count("one task at a time") == 1


def test_poller_keeps_batch_when_the_single_poll_is_missing_too() -> None:
    missing = ApiException(status=404, reason="Not Found")
    api = ScriptedTaskApi(batch_poll=[missing], poll=[missing])
    poller = _poller(api)
    assert poller.poll("poll_type", 1) == []
    assert not poller.single
    assert poller.error_delay_s > 0


# --- LeaseKeeper --------------------------------------------------------------------------------


def test_lease_keeper_sends_heartbeats_until_untracked() -> None:
    api = ScriptedTaskApi(update_task=["ok"])
    keeper = LeaseKeeper()
    task = Task(task_id="t1", workflow_instance_id="wf1", response_timeout_seconds=1)
    try:
        lease = keeper.track(task, api, started_at=time.monotonic() - 10)  # type: ignore[arg-type]
        deadline = time.monotonic() + 10
        while len(api.calls) < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        keeper.untrack(lease)
        sent = len(api.calls)
        assert keeper.active == 0
    finally:
        keeper.close()
    assert sent >= 1
    body = api.calls[0][1]["body"]
    assert body.extend_lease is True
    assert body.status == TaskResultStatus.IN_PROGRESS
    assert (body.task_id, body.workflow_instance_id) == ("t1", "wf1")


def test_lease_keeper_ignores_tasks_without_a_response_timeout() -> None:
    keeper = LeaseKeeper()
    try:
        assert keeper.track(Task(task_id="t1"), ScriptedTaskApi(), started_at=0) is None  # type: ignore[arg-type]
        assert keeper.active == 0
    finally:
        keeper.close()
