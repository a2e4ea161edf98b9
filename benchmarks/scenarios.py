"""The benchmark scenarios and their targets (issue: throughput, latency and concurrency).

Each scenario starts a fresh server process and a worker application under the interpreter
being measured, drives it through the server, and returns rows of (metric, value, target).
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from measure import Cpu, percentile, tree_cpu, tree_memory
from processes import ServerHost, WorkerApp
from profiling import recording

ENQUEUE_RATE_FLOOR = 2500.0
"""Tasks/s the server process enqueues at least; sizes the start delay of a measured batch."""

READY_TIMEOUT_S = 30.0
SCENARIO_SLACK_S = 60.0


class ScenarioError(Exception):
    """The scenario could not produce its numbers (timeout, lost tasks, failed tasks)."""


@dataclass(frozen=True)
class Target:
    """A bound a metric must meet: ``op`` is one of ``>=``, ``<=``, ``<``, ``==``."""

    op: str
    value: float

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the bound."""
        checks: dict[str, Callable[[float, float], bool]] = {
            ">=": lambda a, b: a >= b,
            "<=": lambda a, b: a <= b,
            "<": lambda a, b: a < b,
            "==": lambda a, b: a == b,
        }
        return checks[self.op](value, self.value)

    def __str__(self) -> str:
        symbol = {">=": "≥", "<=": "≤", "<": "<", "==": "="}[self.op]
        return f"{symbol} {format_number(self.value)}"


@dataclass
class Row:
    """One measured number of one scenario."""

    scenario: str
    metric: str
    value: float | None
    target: Target | None = None
    note: str = ""

    @property
    def passed(self) -> bool | None:
        """True/False against the target; None without a target or a value."""
        if self.target is None or self.value is None or math.isnan(self.value):
            return None
        return self.target.met(self.value)


@dataclass
class Context:
    """What a scenario needs: interpreters, sizes, where logs go, what the app reported."""

    python: str
    server_python: str
    logs: Path
    quick: bool = False
    profile: Path | None = None
    tasks: int | None = None
    apps: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    """A named scenario: ``run(context)`` returns its rows."""

    name: str
    title: str
    run: Callable[[Context], list[Row]]


def format_number(value: float) -> str:
    """Thousands separators for large values, a few significant digits for small ones."""
    if math.isnan(value):
        return "n/a"
    if value == int(value) and abs(value) < 1e9:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


# --- running one worker application against one server -------------------------------------


@contextlib.contextmanager
def _running(
    ctx: Context, name: str, function: str, *, processes: int = 1, threads: int = 1
) -> Iterator[tuple[ServerHost, WorkerApp]]:
    server = ServerHost(ctx.server_python, ctx.logs / f"{name}-server.log")
    try:
        app = WorkerApp(
            ctx.python,
            server.url,
            ctx.logs / f"{name}-worker.log",
            function=function,
            task_type=_task_type(name),
            processes=processes,
            threads=threads,
        )
        try:
            ctx.apps.append(app.info)
            _wait_polling(server, processes, app)
            yield server, app
        finally:
            app.close()
    finally:
        server.close()


def _wait_polling(server: ServerHost, processes: int, app: WorkerApp) -> None:
    """Wait until the worker processes have polled (they are up and connected)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        counts = server.call("counts")["counts"]
        if counts.get("poll", 0) + counts.get("batch_poll", 0) >= processes:
            return
        if time.monotonic() > deadline:
            raise ScenarioError(f"the workers never polled; see {app.log_path}")
        time.sleep(0.05)


def _task_type(name: str) -> str:
    return f"bench_{name.replace('-', '_')}"


def _enqueue(server: ServerHost, name: str, batch: str, count: int, delay_s: int = 0) -> float:
    """Enqueue ``count`` tasks; returns the seconds the server process took to do it."""
    reply = server.call(
        "enqueue", batch=batch, task_type=_task_type(name), count=count, delay_s=delay_s
    )
    return float(reply["seconds"])


def _wait_done(server: ServerHost, name: str, batch: str, timeout: float) -> None:
    """Wait until no task of the batch is queued or running."""
    reply = server.call(
        "wait_done", timeout + 10, batch=batch, task_type=_task_type(name), timeout=timeout
    )
    if not reply["done"]:
        summary = _summary(server, name, batch)
        raise ScenarioError(f"{batch}: tasks still pending after {timeout:.0f}s: {summary}")


def _summary(server: ServerHost, name: str, batch: str) -> dict[str, Any]:
    return server.call("summary", batch=batch, task_type=_task_type(name))


def _run_batch(server: ServerHost, name: str, batch: str, count: int) -> dict[str, Any]:
    """Enqueue ``count`` tasks and wait until they are all done; returns the batch summary."""
    _enqueue(server, name, batch, count)
    _wait_done(server, name, batch, count / 50.0 + SCENARIO_SLACK_S)
    return _summary(server, name, batch)


def _completed(summary: dict[str, Any], expected: int, what: str) -> None:
    completed = summary["statuses"].get("COMPLETED", 0)
    if completed != expected:
        raise ScenarioError(f"{what}: {completed}/{expected} COMPLETED ({summary['statuses']})")


# --- scenarios -------------------------------------------------------------------------------


def _throughput(
    ctx: Context,
    name: str,
    function: str,
    count: int,
    *,
    processes: int = 1,
    threads: int = 1,
    rate_target: Target | None = None,
    cpu_target: Target | None = None,
    delayed: bool = True,
) -> list[Row]:
    """Run ``count`` tasks; tasks/s from the server's timestamps (first start to last end).

    ``delayed``: the tasks become pollable a second or more after they are enqueued, so the
    enqueue loop (which holds the server process's GIL) is over before the clock starts, and
    CPU is sampled from the end of enqueueing. For small batches of slow tasks, enqueueing
    while the worker runs is better: it does not stagger when the tasks become ready.
    """
    count = ctx.tasks or count
    warmup = max(50, 2 * processes * threads)
    with _running(ctx, name, function, processes=processes, threads=threads) as (server, app):
        _completed(_run_batch(server, name, "warmup", warmup), warmup, "warm-up")
        delay_s = max(1, math.ceil(count / ENQUEUE_RATE_FLOOR)) if delayed else 0
        server.call("reset_counts")
        if not delayed:
            cpu_before, server_before = tree_cpu(app.pid), tree_cpu(server.pid)
        enqueue_s = _enqueue(server, name, "measure", count, delay_s)
        if delayed:
            cpu_before, server_before = tree_cpu(app.pid), tree_cpu(server.pid)
        with recording(ctx.profile, name, {"worker": app.pid, "server": server.pid}):
            _wait_done(server, name, "measure", delay_s + count / 50.0 + SCENARIO_SLACK_S)
        cpu = tree_cpu(app.pid) - cpu_before
        server_cpu = tree_cpu(server.pid) - server_before
        counts = server.call("counts")["counts"]
        summary = _summary(server, name, "measure")
    if delayed and enqueue_s > delay_s:
        print(f"  note: enqueueing took {enqueue_s:.1f}s > {delay_s}s", file=sys.stderr)
    _completed(summary, count, name)
    elapsed_s = max(summary["last_end_ms"] - summary["first_start_ms"], 1) / 1000.0
    per_task_ms = 1000.0 / count
    return [
        Row(name, "tasks/s", count / elapsed_s, rate_target),
        Row(name, "worker CPU ms/task", cpu.total * per_task_ms, cpu_target, _split(cpu, count)),
        Row(
            name,
            "server CPU ms/task",
            server_cpu.total * per_task_ms,
            None,
            _split(server_cpu, count),
        ),
        Row(name, "server requests/task", sum(counts.values()) / count, None, _counts(counts)),
        Row(
            name,
            "task held by worker ms p50",
            percentile(summary["held_ms"], 0.5),
            None,
            f"server time from hand-out to result; p99 {percentile(summary['held_ms'], 0.99):g}",
        ),
    ]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items()) if value)


def _split(cpu: Cpu, count: int) -> str:
    return f"user {cpu.user * 1000 / count:.2f} + system {cpu.system * 1000 / count:.2f} ms/task"


def noop_1(ctx: Context) -> list[Row]:
    """No-op tasks, one worker process."""
    count = 200 if ctx.quick else 10_000
    return _throughput(
        ctx,
        "noop-1",
        "noop",
        count,
        rate_target=Target(">=", 2000),
        cpu_target=Target("<=", 0.5),
    )


def noop_4(ctx: Context) -> list[Row]:
    """No-op tasks, four worker processes of the same task type."""
    count = 400 if ctx.quick else 10_000
    return _throughput(ctx, "noop-4", "noop", count, processes=4, rate_target=Target(">=", 2000))


def io_threads(ctx: Context) -> list[Row]:
    """500 tasks of 50 ms blocking I/O, thread_count=50."""
    count = 100 if ctx.quick else 500
    return _throughput(
        ctx,
        "io-threads",
        "io_thread",
        count,
        threads=50,
        rate_target=Target(">=", 900),
        delayed=False,
    )


def io_async(ctx: Context) -> list[Row]:
    """500 tasks of 50 ms asyncio I/O, an async def worker with thread_count=50."""
    count = 100 if ctx.quick else 500
    return _throughput(
        ctx,
        "io-async",
        "io_async",
        count,
        threads=50,
        rate_target=Target(">=", 900),
        delayed=False,
    )


def idle(ctx: Context) -> list[Row]:
    """One idle worker for 10 s: server requests, CPU and memory of the process tree."""
    window_s = 3.0 if ctx.quick else 10.0
    name = "idle"
    with _running(ctx, name, "noop") as (server, app):
        _completed(_run_batch(server, name, "warmup", 20), 20, "warm-up")
        time.sleep(1.0)  # let the worker settle into its idle loop
        server.call("reset_counts")
        cpu_before = tree_cpu(app.pid)
        started = time.monotonic()
        time.sleep(window_s)
        counts = server.call("counts")["counts"]
        cpu = tree_cpu(app.pid) - cpu_before
        elapsed_s = time.monotonic() - started
        memory = tree_memory(app.pid)
    requests = sum(counts.values())
    detail = _counts(counts)
    return [
        Row(name, "server requests/s per worker", requests / elapsed_s, Target("<=", 1), detail),
        Row(name, "worker CPU %", cpu.total / elapsed_s * 100.0, Target("<", 1)),
        Row(
            name,
            "process tree RSS MiB",
            sum(memory.rss_mib),
            Target("<=", 60),
            f"{memory.processes} processes: " + " + ".join(f"{v:.1f}" for v in memory.rss_mib),
        ),
        Row(
            name,
            "process tree PSS MiB",
            sum(memory.pss_mib),
            None,
            " + ".join(f"{v:.1f}" for v in memory.pss_mib),
        ),
    ]


def latency(ctx: Context) -> list[Row]:
    """Pickup latency at 5 tasks/s: enqueue (server clock) to function start (worker clock)."""
    count = 10 if ctx.quick else 150
    name = "latency"
    with _running(ctx, name, "probe") as (server, _app):
        _completed(_run_batch(server, name, "warmup", 5), 5, "warm-up")
        task_type = _task_type(name)
        timeout = count / 5.0 + SCENARIO_SLACK_S
        done = server.call(
            "paced",
            timeout + 10,
            batch="measure",
            task_type=task_type,
            count=count,
            rate=5.0,
            timeout=SCENARIO_SLACK_S,
        )
        summary = server.call("summary", batch="measure", task_type=task_type)
    if not done["done"]:
        raise ScenarioError(f"latency: tasks still pending: {summary['statuses']}")
    _completed(summary, count, name)
    values = summary["latencies_ms"]
    return [
        Row(name, "pickup p50 ms", percentile(values, 0.50), Target("<=", 5)),
        Row(name, "pickup p99 ms", percentile(values, 0.99), Target("<=", 20)),
    ]


def stop(ctx: Context) -> list[Row]:
    """stop_processes() with 50 tasks of 3 s in flight; results lost = not COMPLETED after."""
    count = 50
    name = "stop"
    task_type = _task_type(name)
    with _running(ctx, name, "long", threads=count) as (server, app):
        server.call("enqueue", batch="measure", task_type=task_type, count=count)
        in_flight = server.call(
            "wait_in_progress", 40, batch="measure", count=count, timeout=READY_TIMEOUT_S
        )["in_progress"]
        seconds = app.stop()
        summary = server.call("summary", batch="measure", task_type=task_type)
    completed = summary["statuses"].get("COMPLETED", 0)
    return [
        Row(
            name,
            "results lost",
            float(count - completed),
            Target("==", 0),
            f"{in_flight} in flight at stop; {summary['statuses']}",
        ),
        Row(name, "stop_processes() s", seconds, None),
    ]


SCENARIOS = [
    Scenario("noop-1", "no-op, 1 process", noop_1),
    Scenario("noop-4", "no-op, 4 processes", noop_4),
    Scenario("io-threads", "500 x 50 ms I/O, thread_count=50", io_threads),
    Scenario("io-async", "500 x 50 ms asyncio I/O, thread_count=50", io_async),
    Scenario("idle", "idle worker, 10 s", idle),
    Scenario("latency", "pickup latency at 5 tasks/s", latency),
    Scenario("stop", "stop with 50 tasks in flight", stop),
]
