"""Siegfried (pygfried) run in a child process of its own.

pygfried is Go called through cgo and holds the GIL for the whole identification: about 70 ms for a 5 MB
PDF, during which no other thread of the server answers a request. In a child process
(``siegfried_child.py``) it runs beside them. The child starts on first use and is kept; one that dies or
overruns ``TIMEOUT_S`` is killed and replaced. It has no address-space cap: the Go runtime does not start
under RLIMIT_AS (the pypdf sandbox's limit).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

CHILD = Path(__file__).with_name("siegfried_child.py")
TIMEOUT_S = 120.0
_lock = threading.Lock()
_child: subprocess.Popen[bytes] | None = None


class IdentificationFailed(Exception):
    """Siegfried raised, overran its time or its process died; the file is archived without a PRONOM id."""


def identify(path: str) -> dict[str, Any]:
    """pygfried's detailed result for ``path`` (one identification at a time)."""
    if "\n" in path:
        raise IdentificationFailed("a path with a line break cannot be sent to the child")
    with _lock:
        child = _started()
        try:
            assert child.stdin is not None
            child.stdin.write(path.encode() + b"\n")
            child.stdin.flush()
            line = _read_line(child, time.monotonic() + TIMEOUT_S)
        except (OSError, IdentificationFailed):
            _stop()
            raise
    answer = json.loads(line)
    if not answer.get("ok"):
        raise IdentificationFailed(answer.get("error", "unknown error"))
    return answer["result"]


def _started() -> subprocess.Popen[bytes]:
    global _child
    if _child is None or _child.poll() is not None:
        _child = subprocess.Popen(
            [sys.executable, "-I", str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True
        )
    return _child


def _read_line(child: subprocess.Popen[bytes], deadline: float) -> bytes:
    assert child.stdout is not None
    fd, chunks = child.stdout.fileno(), list[bytes]()
    while not (chunks and chunks[-1].endswith(b"\n")):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise IdentificationFailed(f"format identification took over {TIMEOUT_S:.0f} s")
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise IdentificationFailed("the identification process died")
        chunks.append(chunk)
    return b"".join(chunks)


def _stop() -> None:
    global _child
    if _child is not None:
        _child.kill()
        _child.wait()
        for stream in (_child.stdin, _child.stdout):
            if stream is not None:
                stream.close()
        _child = None


@atexit.register
def _close() -> None:
    with _lock:
        _stop()
