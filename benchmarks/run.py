"""Benchmark harness: run the scenarios against the local server and print a table.

Usage::

    python benchmarks/run.py [--scenario NAME ...] [--python PATH ...] [--quick] [--markdown]

Each scenario starts ``InMemoryConductorServer`` in its own process (always this repository's,
with ``--server-python``) and a worker application (``worker_main.py``) under each ``--python``
interpreter, so another interpreter or venv with a different ``conductor`` package installed
(e.g. conductor-python 2.0.0) is measured on the same server and machine. Every number is
printed next to its target with a pass/fail mark.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from measure import load_average
from processes import default_python, python_label
from scenarios import SCENARIOS, Context, Row, Scenario, ScenarioError, format_number

PASS, FAIL = "✓", "✗"


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [scenario.name for scenario in SCENARIOS]
    listing = "; ".join(f"{scenario.name}: {scenario.title}" for scenario in SCENARIOS)
    parser.add_argument(
        "--scenario",
        action="append",
        choices=names,
        help=f"run only this one (repeatable). {listing}",
    )
    parser.add_argument(
        "--python",
        action="append",
        help="interpreter whose conductor package runs the workers (repeatable; one column "
        "each; default: this interpreter)",
    )
    parser.add_argument(
        "--server-python", default=default_python(), help="interpreter that runs the server"
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, only noop-1 unless --scenario is given"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each scenario N times and report medians"
    )
    parser.add_argument(
        "--tasks", type=int, help="task count of the throughput scenarios (e.g. to profile)"
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--json", type=Path, help="also write the raw results to this file")
    parser.add_argument("--logs", type=Path, help="directory for server and worker logs")
    parser.add_argument(
        "--profile",
        type=Path,
        help="record py-spy profiles of the measured batches into this directory",
    )
    return parser.parse_args(argv)


def _selected(args: argparse.Namespace) -> list[Scenario]:
    if args.scenario:
        return [scenario for scenario in SCENARIOS if scenario.name in args.scenario]
    return SCENARIOS[:1] if args.quick else list(SCENARIOS)


def _run_one(scenario: Scenario, ctx: Context) -> list[Row]:
    started = time.monotonic()
    try:
        rows = scenario.run(ctx)
    except (ScenarioError, RuntimeError, TimeoutError, OSError) as exc:
        rows = [Row(scenario.name, "error", None, None, str(exc))]
    took = time.monotonic() - started
    summary = "; ".join(f"{row.metric} {_cell(row)}" for row in rows)
    print(f"  {scenario.name} ({took:.0f}s): {summary}", file=sys.stderr, flush=True)
    return rows


def _run_repeated(scenario: Scenario, ctx: Context, repeat: int) -> list[Row]:
    """Run ``repeat`` times; each metric takes the median run's row, with the range noted."""
    runs = [_run_one(scenario, ctx) for _ in range(repeat)]
    failed = [rows for rows in runs if any(row.value is None for row in rows)]
    if failed or repeat == 1:
        return failed[0] if failed else runs[0]
    merged = []
    for index, row in enumerate(runs[0]):
        samples = sorted((rows[index] for rows in runs), key=lambda r: r.value or 0.0)
        median = samples[(len(samples) - 1) // 2]
        low, high = samples[0].value or 0.0, samples[-1].value or 0.0
        spread = f"median of {repeat}, range {format_number(low)}-{format_number(high)}"
        note = f"{median.note}; {spread}" if median.note else spread
        merged.append(Row(row.scenario, row.metric, median.value, row.target, note))
    return merged


def _cell(row: Row) -> str:
    if row.value is None:
        return "error"
    mark = {True: f" {PASS}", False: f" {FAIL}", None: ""}[row.passed]
    return format_number(row.value) + mark


def _table(columns: list[tuple[str, list[Row]]], markdown: bool) -> str:
    keys: list[tuple[str, str]] = []
    targets: dict[tuple[str, str], str] = {}
    cells: list[dict[tuple[str, str], str]] = []
    for _, rows in columns:
        by_key = {}
        for row in rows:
            key = (row.scenario, row.metric)
            if key not in targets:
                keys.append(key)
                targets[key] = str(row.target) if row.target is not None else ""
            by_key[key] = _cell(row)
        cells.append(by_key)
    header = ["scenario", "metric", "target", *(label for label, _ in columns)]
    body = [
        [
            scenario,
            metric,
            targets[(scenario, metric)],
            *(c.get((scenario, metric), "") for c in cells),
        ]
        for scenario, metric in keys
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
        lines += ["| " + " | ".join(line) + " |" for line in body]
        return "\n".join(lines)
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    rule = "  ".join("-" * width for width in widths)
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)) for line in body]
    head = "  ".join(cell.ljust(width) for cell, width in zip(header, widths))
    return "\n".join([head, rule, *lines])


def _notes(columns: list[tuple[str, list[Row]]]) -> list[str]:
    return [
        f"- {label}: {row.scenario} / {row.metric}: {row.note}"
        for label, rows in columns
        for row in rows
        if row.note
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    logs = args.logs or Path(tempfile.mkdtemp(prefix="conductor-bench-"))
    logs.mkdir(parents=True, exist_ok=True)
    pythons = args.python or [default_python()]
    scenarios = _selected(args)
    load_before = load_average()
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    columns: list[tuple[str, list[Row]]] = []
    for index, python in enumerate(pythons):
        ctx = Context(python, args.server_python, logs / f"python{index}", args.quick)
        ctx.tasks = args.tasks
        if args.profile:
            ctx.profile = args.profile / f"python{index}"
        ctx.logs.mkdir(exist_ok=True)
        print(f"{python}:", file=sys.stderr, flush=True)
        rows = [row for scenario in scenarios for row in _run_repeated(scenario, ctx, args.repeat)]
        label = python_label(ctx.apps[0]) if ctx.apps else python
        if any(label == existing for existing, _ in columns):
            label = f"{label} [{python}]"
        columns.append((label, rows))
    print(f"date: {when}; cpus: {os.cpu_count()}; load average before/after: "
          f"{load_before}/{load_average()}; logs: {logs}")  # fmt: skip
    print(f"command: python {' '.join(shlex.quote(arg) for arg in sys.argv)}")
    print()
    print(_table(columns, args.markdown))
    notes = _notes(columns)
    if notes:
        print()
        print("\n".join(notes))
    if args.json:
        raw = {label: [asdict(row) for row in rows] for label, rows in columns}
        args.json.write_text(json.dumps(raw, indent=2, default=str))
    errors = any(row.value is None for _, rows in columns for row in rows)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
