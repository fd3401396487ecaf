"""Parent side of the pypdf worker: send a job, wait with a deadline, kill on overrun.

pypdf is pure Python, so a hostile PDF cannot be interrupted inside the
calling process; isolating it in a child we can SIGKILL is the only reliable
stop. The child is kept alive between jobs (Python start-up plus importing
pypdf costs more than extracting a typical dossier page) and recycled after
``max_jobs`` to shed memory fragmentation.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from .errors import ExtractionFailed
from .model import Limits

WORKER_SCRIPT = Path(__file__).with_name("pdf_worker.py")
_EXIT_MEMORY = 3


class PdfWorker:
    """One pypdf child process with a memory cap, used by one thread at a time."""

    def __init__(self, memory_mb: int = Limits.memory_mb, max_jobs: int = 200) -> None:
        self.memory_mb = memory_mb
        self.max_jobs = max_jobs
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._jobs = 0
        self._lock = threading.Lock()

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def run(self, op: str, path: str | os.PathLike[str], limits: Limits, **params: int | str) -> dict[str, Any]:
        """Run one job and return the child's result, or raise ExtractionFailed.

        The memory cap is the worker's own (``memory_mb``), fixed at spawn;
        ``limits`` supplies the time budget and page limits of this job;
        ``params`` are the operation's own (an OFD page and size to render).
        """
        request = {
            **params,
            "op": op,
            "path": os.fspath(Path(path).resolve()),
            "max_pages": limits.max_pages,
            "max_page_chars": limits.max_page_chars,
            "cpu_s": limits.timeout_s,
        }
        line = json.dumps(request).encode("utf-8") + b"\n"
        with self._lock:
            proc = self._send(line)
            self._jobs += 1
            response = self._read_response(proc, limits.timeout_s)
            if self._jobs >= self.max_jobs:
                self._stop()
        if not response.get("ok"):
            raise ExtractionFailed(response.get("reason", "unreadable"), response.get("detail", ""))
        return response

    def _send(self, line: bytes) -> subprocess.Popen[bytes]:
        """Write a request, restarting once if the idle child had died (e.g. OOM-killed)."""
        for attempt in (1, 2):
            proc = self._ensure_started()
            assert proc.stdin is not None
            try:
                proc.stdin.write(line)
                proc.stdin.flush()
                return proc
            except BrokenPipeError:
                self._kill()
                if attempt == 2:
                    raise ExtractionFailed("crashed", "pdf worker could not be started") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._cleanup()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker; closed by _cleanup
        self._proc = subprocess.Popen(
            [sys.executable, "-I", str(WORKER_SCRIPT), str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            start_new_session=True,
        )
        self._jobs = 0
        return self._proc

    def _read_response(self, proc: subprocess.Popen[bytes], timeout_s: float) -> dict[str, Any]:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + timeout_s
        chunks: list[bytes] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill()
                raise ExtractionFailed("timeout", f"no result within {timeout_s:g} s; worker killed")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise self._died()
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                try:
                    return json.loads(b"".join(chunks))
                except ValueError as exc:
                    self._kill()
                    raise ExtractionFailed("crashed", f"garbled worker response: {exc}") from exc

    def _died(self) -> ExtractionFailed:
        assert self._proc is not None
        code = self._proc.wait()
        tail = self._stderr_tail()
        self._cleanup()
        if code == _EXIT_MEMORY:
            return ExtractionFailed("memory", f"worker exceeded {self.memory_mb} MB")
        if code == -signal.SIGXCPU:
            return ExtractionFailed("timeout", "worker stopped by its CPU-time limit")
        return ExtractionFailed("crashed", f"worker exited with {code}: {tail}")

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0, os.SEEK_END)
        size = self._stderr.tell()
        self._stderr.seek(max(0, size - 2000))
        return self._stderr.read().decode("utf-8", "replace").strip()

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
        self._cleanup()

    def _stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            assert self._proc.stdin is not None
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()

    def _cleanup(self) -> None:
        if self._proc is not None:
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        self._proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


_local = threading.local()
_all_workers: weakref.WeakSet[PdfWorker] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for worker in list(_all_workers):
        worker.close()


def default_worker(memory_mb: int) -> PdfWorker:
    """The calling thread's reusable worker, so job loops pay start-up once."""
    worker: PdfWorker | None = getattr(_local, "worker", None)
    if worker is None or worker.memory_mb != memory_mb:
        if worker is not None:
            worker.close()
        worker = _local.worker = PdfWorker(memory_mb)
        _all_workers.add(worker)
    return worker
