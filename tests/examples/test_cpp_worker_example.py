"""examples/cpp/simple_cpp_worker.py: native code through ctypes."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import pytest
from example_harness import EXAMPLES, run_example, workflows

from conductor.client.testing import InMemoryConductorServer

pytestmark = pytest.mark.integration

COMPILER = next((shutil.which(n) for n in ("c++", "g++", "clang++") if shutil.which(n)), None)


@pytest.mark.skipif(COMPILER is None, reason="no C++ compiler (c++, g++ or clang++) on PATH")
def test_sums_are_computed_in_cpp(conductor_server: InMemoryConductorServer) -> None:
    run = run_example("cpp/simple_cpp_worker.py", server_url=conductor_server.url)
    assert run.returncode == 0, run.output
    assert [wf.output for wf in workflows(conductor_server.url, run)] == [
        {"sum": 3},
        {"sum": 42},
        {"sum": 0},
    ]


@pytest.mark.skipif(COMPILER is None, reason="no C++ compiler (c++, g++ or clang++) on PATH")
def test_build_script_builds_a_loadable_library(tmp_path: Path) -> None:
    for name in ("build.sh", "simple_cpp_lib.cpp"):
        shutil.copy(EXAMPLES / "cpp" / name, tmp_path / name)
    subprocess.run(["sh", str(tmp_path / "build.sh")], check=True, capture_output=True)
    library = ctypes.cdll.LoadLibrary(str(tmp_path / "lib.so"))
    assert library.get_sum(40, 2) == 42
