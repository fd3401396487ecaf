"""The production server (``onewindow serve``) started for a section, and a bare WSGI app under the same settings.

The web and load sections measure the server a centre runs: gunicorn with the
gthread workers and threads ``onewindow serve`` defaults to, started as its
own process group. The baseline is a hello-world WSGI callable under exactly
the options ``server.cli.gunicorn_app.gunicorn_options`` gives ours.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def serve_defaults() -> dict[str, int]:
    """The workers and threads ``onewindow serve`` runs with when an operator gives neither."""
    from server.cli.serve import serve

    return {p.name: int(p.default) for p in serve.params if p.name in {"workers", "threads"}}  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def processes(self) -> list[int]:
        """The master and its workers."""
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    pids.append(int(stat.parent.name))
        return pids

    def usage(self) -> tuple[float, int]:
        """CPU seconds and context switches of all its processes and threads so far: under a GIL the switches
        a request costs, more than its own CPU, set how many requests one worker answers."""
        tick = os.sysconf("SC_CLK_TCK")
        cpu, switches = 0.0, 0
        for pid in self.processes():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpu += (int(fields[11]) + int(fields[12])) / tick
                for status in Path(f"/proc/{pid}/task").glob("*/status"):
                    for line in status.read_text().splitlines():
                        if "ctxt_switches:" in line:
                            switches += int(line.split()[1])
        return cpu, switches

    def peak_rss_mb(self) -> dict[int, float]:
        """Each process's peak resident memory (VmHWM) so far, in MB."""
        peaks = {}
        for pid in self.processes():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = int(line.split()[1]) / 1024
        return peaks


def _wait_ready(server: Server, path: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited ({server.process.returncode}): {server.log.read_text()[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            requests.get(server.url + path, timeout=5)  # any answer: /healthz is 503 while a backend is down
            return
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {path} within {timeout:.0f} s: {server.log.read_text()[-2000:]}")


@contextlib.contextmanager
def _started(argv: list[str], env: Mapping[str, str], log: Path, port: int, ready: str) -> Iterator[Server]:
    out = log.open("wb")
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server, ready)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        out.close()


def production(
    data_dir: Path, env: Mapping[str, str] | None = None, *, workers: int | None = None, threads: int | None = None
) -> contextlib.AbstractContextManager[Server]:
    """``onewindow serve --demo`` on a fresh port with the data in ``data_dir``; behind one trusted proxy
    hop so that each simulated client has its own address (the throttling budgets are per address)."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "server.cli", "serve", "--demo", "--port", str(port)]
    if workers is not None:
        argv += ["--workers", str(workers)]
    if threads is not None:
        argv += ["--threads", str(threads)]
    full_env = {
        "ONEWINDOW_DATA_DIR": str(data_dir),
        "ONEWINDOW_PLAIN_HTTP": "true",
        "ONEWINDOW_PROXY_HOPS": "1",
        **(env or {}),
    }
    return _started(argv, full_env, data_dir / "server.log", port, "/healthz")


def bare(
    work: Path, body_bytes: int, content_type: str, *, flask: bool = False
) -> contextlib.AbstractContextManager[Server]:
    """The hello-world baseline under ``onewindow serve``'s default workers, threads and gunicorn options;
    with ``flask`` a one-view Flask app instead (the framework's share of the gap)."""
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    defaults = serve_defaults()
    argv = [
        sys.executable,
        "-m",
        "bench.suite.bare_wsgi",
        "--port",
        str(port),
        "--workers",
        str(defaults["workers"]),
        "--threads",
        str(defaults["threads"]),
        "--bytes",
        str(body_bytes),
        "--content-type",
        content_type,
        *(["--flask"] if flask else []),
    ]
    log = work / ("flask.log" if flask else "bare.log")
    return _started(argv, {"ONEWINDOW_DATA_DIR": str(work)}, log, port, "/")
