"""Optional sampling profiles of a measured batch (``run.py --profile DIR``, needs py-spy).

py-spy records the worker process tree and the server process in "raw" (collapsed stack)
format; ``summarize`` turns a file into the functions with the most samples, self and total.
Run ``python benchmarks/profiling.py FILE...`` to print those summaries again.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


@contextlib.contextmanager
def recording(directory: Path | None, name: str, pids: dict[str, int]) -> Iterator[None]:
    """Record ``pids`` (label -> pid, with their subprocesses) while the block runs."""
    executable = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if directory is None or not Path(executable).exists():
        if directory is not None:
            print("py-spy not found; not profiling", file=sys.stderr)
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    spies = []
    for label, pid in pids.items():
        output = directory / f"{name}-{label}.txt"
        command = [executable, "record", "--pid", str(pid), "--subprocesses", "--function", "--gil"]
        command += ["--rate", "250", "--format", "raw", "--output", str(output)]
        spies.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        for spy in spies:
            try:
                spy.wait(30)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait(5)


def _frames(stack: str) -> list[str]:
    frames = []
    for frame in stack.split(";"):
        match = _FRAME.match(frame.strip())
        if match is None:
            frames.append(frame.strip())
            continue
        path = match.group("file")
        short = "/".join(path.split("/")[-2:])
        frames.append(f"{match.group('function')} ({short})")
    return frames


def summarize(path: Path, top: int = 25) -> str:
    """The ``top`` functions by self samples and by inclusive samples, in percent."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = _frames(stack)
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return f"{path.name}: no samples"
    lines = [f"{path.name}: {total} samples", "  self%  total%  function"]
    for frame, count in own.most_common(top):
        lines.append(
            f"  {100 * count / total:5.1f}  {100 * inclusive[frame] / total:6.1f}  {frame}"
        )
    lines.append("  -- by total (inclusive) --")
    for frame, count in inclusive.most_common(top):
        lines.append(f"  {100 * own[frame] / total:5.1f}  {100 * count / total:6.1f}  {frame}")
    return "\n".join(lines)


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(summarize(Path(argument)))
