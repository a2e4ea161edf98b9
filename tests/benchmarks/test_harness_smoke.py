"""The benchmark harness runs end to end in its quick mode and prints a table with numbers.

No timing is asserted: the harness is a measuring tool, and this only checks that it works.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "benchmarks" / "run.py"
NUMBER = r"\d[\d,]*(?:\.\d+)?"


@pytest.mark.integration
def test_quick_run_prints_a_table_of_numbers(tmp_path: Path) -> None:
    raw = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(HARNESS), "--quick", "--logs", str(tmp_path), "--json", str(raw)],
        capture_output=True,
        text=True,
        timeout=100,
        cwd=ROOT,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stdout.splitlines()
    header = next(line for line in lines if line.startswith("scenario"))
    assert "metric" in header
    assert "target" in header
    assert re.search(r"target\s+\S", header), header  # one column per measured interpreter
    for metric in ("tasks/s", "worker CPU ms/task", "server requests/task"):
        row = next(line for line in lines if line.startswith("noop-1") and metric in line)
        assert re.search(rf"\s{NUMBER}( [✓✗])?\s*$", row), row
    assert raw.exists()
    assert '"metric": "tasks/s"' in raw.read_text()


@pytest.mark.integration
def test_io_ceiling_prints_the_rate_of_both_minimal_clients() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "io_ceiling.py"), "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=100,
        cwd=ROOT,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    for client in ("threads", "asyncio"):
        line = next(line for line in completed.stdout.splitlines() if client in line)
        assert re.search(rf"{client}:\s+{NUMBER} tasks/s", line), line
