"""The `onewindow` command: demo prints the logins; migrate and demo are repeatable."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

from click.testing import CliRunner

from server.cli import main


def test_demo_prints_logins_and_is_idempotent(tmp_path):
    env = {"ONEWINDOW_DATA_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    first = runner.invoke(main, ["demo"], env=env)
    assert first.exit_code == 0, first.output
    for login in ("applicant", "applicant2", "clerk", "supervisor", "archivist", "admin", "officer-wlj"):
        assert login in first.output
    second = runner.invoke(main, ["demo"], env=env)
    assert second.exit_code == 0 and second.output == first.output
    assert (tmp_path / "var" / "onewindow.db").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_with_no_configuration_uses_embedded_defaults(tmp_path):
    """`onewindow serve --demo` in an empty folder: ./var is created, /healthz is ok, / shows guides."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--demo", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path)},
    )
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "is running at" in line:
                break
        assert f"http://127.0.0.1:{port}/" in "".join(lines), "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as response:
            body = json.load(response)
        assert response.status == 200 and body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"], body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            page = response.read().decode()
        assert "开办民宿" in page
        assert (tmp_path / "var" / "onewindow.db").exists()
        assert (tmp_path / "var" / "objects").is_dir() or (tmp_path / "var").is_dir()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
