"""A worker that calls native C++ code through ``ctypes``.

    sh examples/cpp/build.sh                  # or let this script build lib.so itself
    python examples/cpp/simple_cpp_worker.py

``simple_cpp_lib.cpp`` exports ``get_sum`` with C linkage; it is compiled into ``lib.so`` with the
system C++ compiler (``$CXX``, else ``c++``/``g++``/``clang++``). The worker loads the library
the first time it runs a task, in the worker process, and adds the task's two inputs with it.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # for the examples' _support module

from _support import conductor_server, run_workflows  # noqa: E402

from conductor.client.automator.task_handler import TaskHandler  # noqa: E402
from conductor.client.configuration.configuration import Configuration  # noqa: E402
from conductor.client.http.models import Task, TaskResult  # noqa: E402
from conductor.client.http.models.task_result_status import TaskResultStatus  # noqa: E402
from conductor.client.worker.worker_interface import WorkerInterface  # noqa: E402
from conductor.client.workflow.conductor_workflow import ConductorWorkflow  # noqa: E402
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor  # noqa: E402
from conductor.client.workflow.task.simple_task import SimpleTask  # noqa: E402

SOURCE = HERE / "simple_cpp_lib.cpp"
LIBRARY = HERE / "lib.so"


def find_compiler() -> str | None:
    """Return the C++ compiler to use: ``$CXX``, else the first of c++, g++, clang++ found."""
    candidates = [os.environ.get("CXX"), "c++", "g++", "clang++"]
    return next((path for name in candidates if name and (path := shutil.which(name))), None)


def build_library(source: Path = SOURCE, target: Path = LIBRARY) -> Path:
    """Compile ``source`` into the shared library ``target`` and return its path.

    Raises:
        RuntimeError: No C++ compiler was found.
        subprocess.CalledProcessError: The compiler failed.
    """
    compiler = find_compiler()
    if compiler is None:
        raise RuntimeError("no C++ compiler found: install g++ or clang++, or set CXX")
    command = [compiler, "-shared", "-fPIC", "-o", str(target), str(source)]
    if sys.platform == "darwin":
        command[1:1] = ["-Wl,-install_name,lib.so"]  # macOS only; GNU ld has no such flag
    subprocess.run(command, check=True)
    return target


class CppWrapper:
    """The native library, loaded with ``ctypes`` and typed."""

    def __init__(self, file_path: Path = LIBRARY) -> None:
        self.cpp_lib = ctypes.cdll.LoadLibrary(str(file_path))
        self.cpp_lib.get_sum.argtypes = [ctypes.c_int32, ctypes.c_int32]
        self.cpp_lib.get_sum.restype = ctypes.c_int32

    def get_sum(self, x: int, y: int) -> int:
        return int(self.cpp_lib.get_sum(x, y))


class SimpleCppWorker(WorkerInterface):
    """Adds ``a`` and ``b`` from the task input in C++."""

    def __init__(self, task_definition_name: str) -> None:
        super().__init__(task_definition_name)
        self._cpp: CppWrapper | None = None  # loaded in the worker process, on first use

    def execute(self, task: Task) -> TaskResult:
        if self._cpp is None:
            self._cpp = CppWrapper()
        task_result = self.get_task_result_from_task(task)
        task_result.add_output_data(
            "sum", self._cpp.get_sum(task.input_data["a"], task.input_data["b"])
        )
        task_result.status = TaskResultStatus.COMPLETED
        return task_result


def run_demo(configuration: Configuration) -> int:
    executor = WorkflowExecutor(configuration)
    workflow = ConductorWorkflow(executor, name="native_sums", version=1)
    add = (
        SimpleTask("cpp_sum", "add")
        .input_parameter("a", workflow.input("a"))
        .input_parameter("b", workflow.input("b"))
    )
    workflow >> add
    workflow.output_parameters({"sum": add.output("sum")})
    inputs = [{"a": 1, "b": 2}, {"a": 40, "b": 2}, {"a": -5, "b": 5}]
    workers = [SimpleCppWorker("cpp_sum")]
    handler = TaskHandler(workers, configuration, scan_for_annotated_workers=False)
    handler.start_processes()
    try:
        return run_workflows(executor, workflow, inputs, tasks_per_workflow=1)
    finally:
        handler.stop_processes()  # graceful: tasks in flight finish first


def main() -> int:
    if not LIBRARY.exists() or LIBRARY.stat().st_mtime < SOURCE.stat().st_mtime:
        print(f"Building {LIBRARY.name} from {SOURCE.name}")
        build_library()
    with conductor_server() as configuration:
        return run_demo(configuration)


if __name__ == "__main__":
    sys.exit(main())
