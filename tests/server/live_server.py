"""`onewindow serve` as a real process for tests: start it, call it, stop it or kill it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HANG_GUARD = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, proc: subprocess.Popen, port: int, log: Path) -> None:
        self.proc, self.port, self.log = proc, port, log

    def call(
        self,
        method: str,
        path: str,
        body: dict | bytes | None = None,
        token: str | None = None,
        headers: dict | None = None,
    ) -> tuple[int, dict]:
        sent = {**(headers or {})}
        if isinstance(body, dict):
            body, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=HANG_GUARD) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def head_only(self, head: str) -> tuple[int, dict[str, str], bytes]:
        """Sends a request head and no body; returns the status, headers and body of the answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=HANG_GUARD) as sock:
            sock.sendall(head.replace("\n", "\r\n").encode())
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                assert chunk, f"connection closed without an answer: {data!r}"
                data += chunk
            head_bytes, _, body = data.partition(b"\r\n\r\n")
            lines = head_bytes.decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
            while len(body) < int(headers.get("content-length", 0)):
                chunk = sock.recv(65536)
                assert chunk, "connection closed inside the answer"
                body += chunk
            return int(lines[0].split()[1]), headers, body


def start_serve(folder: Path, *args: str, **env: str) -> Server:
    """`onewindow serve` in a subprocess on a free port, once /healthz answers 200; its output goes to a file."""
    port, log = _free_port(), folder / "serve.log"
    environ = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(folder),
        "PYTHONPATH": ":".join(sys.path),
        "ONEWINDOW_DATA_DIR": str(folder / "var"),
        "ONEWINDOW_PLAIN_HTTP": "true",
        **env,
    }
    with log.open("a") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), *args],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
            start_new_session=True,
        )
    running = Server(proc, port, log)
    deadline = time.monotonic() + 90
    try:
        while f"http://127.0.0.1:{port}/" not in log.read_text() or running.call("GET", "/healthz")[0] != 200:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    except BaseException:
        stop(running)
        raise
    return running


def stop(server: Server) -> int:
    server.proc.send_signal(signal.SIGTERM)
    try:
        return server.proc.wait(timeout=60)
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def kill(server: Server) -> None:
    """SIGKILL to gunicorn's master and workers at once: no handler, no cleanup, as in a power cut."""
    os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait()
