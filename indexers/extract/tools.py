"""Running external programs (pdftoppm, tesseract) on untrusted input, bounded.

These are C programs fed attacker-controlled bytes: each run gets a wall-clock
limit and an address-space cap (via util-linux ``prlimit``, which sets it in
the child before exec; ``preexec_fn`` would be unsafe in a threaded server).

A tool can be started before its input exists (``started_tool``): Tesseract
spends ~0.3 s loading its models before it reads a byte, time in which the
caller prepares the page on the other core.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence

from .errors import ExtractionFailed


def find_tool(name: str) -> str | None:
    """Absolute path of a program on PATH, or None."""
    return shutil.which(name)


class RunningTool:
    """A bounded program reading its input from stdin, which ``finish`` gives it."""

    def __init__(self, proc: subprocess.Popen[bytes], name: str, deadline: float, timeout_s: float) -> None:
        self._proc = proc
        self._name = name
        self._deadline = deadline
        self._timeout_s = timeout_s

    def finish(self, data: bytes = b"") -> bytes:
        """Send ``data`` as the whole of stdin and return stdout, or raise ExtractionFailed."""
        try:
            out, err = self._proc.communicate(data, timeout=max(0.0, self._deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            self.kill()
            raise ExtractionFailed("timeout", f"{self._name} ran over {self._timeout_s:g} s") from exc
        if self._proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip()[-500:]
            raise ExtractionFailed("tool_failed", f"{self._name} exited {self._proc.returncode}: {tail}")
        return out

    @property
    def finished(self) -> bool:
        return self._proc.returncode is not None

    def kill(self) -> None:
        """Kill the program and everything it started, and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.communicate()


@contextlib.contextmanager
def started_tool(
    argv: Sequence[str],
    *,
    timeout_s: float,
    memory_mb: int | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningTool]:
    """A program started now, killed on leaving the block unless its ``finish`` returned.

    ``timeout_s`` counts from the start: time the block spends before
    ``finish`` is taken from the program's budget.
    """
    command = list(argv)
    prlimit = find_tool("prlimit")
    if memory_mb and prlimit:
        command = [prlimit, f"--as={memory_mb * 1024 * 1024}", "--", *command]
    deadline = time.monotonic() + timeout_s
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=None if env is None else {**os.environ, **env},
        start_new_session=True,
    )
    tool = RunningTool(proc, os.path.basename(argv[0]), deadline, timeout_s)
    try:
        yield tool
    finally:
        if not tool.finished:
            tool.kill()


def run_tool(
    argv: Sequence[str],
    *,
    input: bytes | None = None,
    timeout_s: float,
    memory_mb: int | None = None,
    env: Mapping[str, str] | None = None,
) -> bytes:
    """Run a program to completion and return its stdout, or raise ExtractionFailed."""
    with started_tool(argv, timeout_s=timeout_s, memory_mb=memory_mb, env=env) as tool:
        return tool.finish(input or b"")
