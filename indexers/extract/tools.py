"""Running external programs (pdftoppm, tesseract) on untrusted input, bounded.

These are C programs fed attacker-controlled bytes: each run gets a wall-clock
limit and an address-space cap (via util-linux ``prlimit``, which sets it in
the child before exec; ``preexec_fn`` would be unsafe in a threaded server).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from .errors import ExtractionFailed


def find_tool(name: str) -> str | None:
    """Absolute path of a program on PATH, or None."""
    return shutil.which(name)


def run_tool(
    argv: Sequence[str],
    *,
    input: bytes | None = None,
    timeout_s: float,
    memory_mb: int | None = None,
    env: Mapping[str, str] | None = None,
    pass_fds: Sequence[int] = (),
) -> bytes:
    """Run a program to completion and return its stdout, or raise ExtractionFailed.

    ``pass_fds`` are file descriptors the program inherits (at the same numbers).
    """
    command = list(argv)
    prlimit = find_tool("prlimit")
    if memory_mb and prlimit:
        command = [prlimit, f"--as={memory_mb * 1024 * 1024}", "--", *command]
    full_env = None if env is None else {**os.environ, **env}
    try:
        done = subprocess.run(
            command,
            input=input,
            capture_output=True,
            timeout=timeout_s,
            env=full_env,
            start_new_session=True,
            pass_fds=tuple(pass_fds),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionFailed("timeout", f"{os.path.basename(argv[0])} ran over {timeout_s:g} s") from exc
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip()[-500:]
        raise ExtractionFailed("tool_failed", f"{os.path.basename(argv[0])} exited {done.returncode}: {tail}")
    return done.stdout
