"""scripts/services' process check, which decides whether a real test server started or died."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "services"


@pytest.fixture(scope="module")
def services():
    loader = importlib.machinery.SourceFileLoader("onewindow_services", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # its dataclasses look their module up
    try:
        loader.exec_module(module)
        yield module
    finally:
        del sys.modules[loader.name]


def _process(proc: Path, pid: int, state: str, cmdline: bytes) -> None:
    (proc / str(pid)).mkdir(parents=True, exist_ok=True)
    (proc / str(pid) / "stat").write_text(f"{pid} (mailpit) {state} 1 {pid} {pid} 0 -1")
    (proc / str(pid) / "cmdline").write_bytes(cmdline)


def test_a_server_caught_inside_execve_is_running(services, tmp_path, monkeypatch):
    """Popen returns while the child's /proc/<pid>/cmdline is still empty: CI on 2026-12-02 stopped with
    'mailpit failed: process exited during startup' while mailpit was starting (here 156 of 200 spawns of
    mailpit read an empty command line at once)."""
    monkeypatch.setattr(services, "PROC", tmp_path)
    _process(tmp_path, 4242, "R", b"")
    exec_done = threading.Timer(0.1, _process, (tmp_path, 4242, "S", b"/cache/bin/mailpit\0--smtp\0127.0.0.1:1025\0"))
    exec_done.start()
    try:
        assert services.pid_alive(4242, "mailpit")
    finally:
        exec_done.cancel()


def test_another_program_a_zombie_or_a_gone_process_is_not_running(services, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "PROC", tmp_path)
    waits: list[float] = []
    monkeypatch.setattr(services, "time", SimpleNamespace(monotonic=time.monotonic, sleep=waits.append))
    _process(tmp_path, 1001, "S", b"/usr/bin/vim\0notes\0")
    _process(tmp_path, 1002, "Z", b"")
    assert not services.pid_alive(1001, "mailpit"), "the pid was reused by another program"
    assert not services.pid_alive(1002, "mailpit"), "a zombie has exited"
    assert not services.pid_alive(1003, "mailpit")
    assert waits == [], "only an empty command line is read again"


def test_a_real_process_is_running_until_it_exits(services):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        assert services.pid_alive(child.pid, "time.sleep")
        assert not services.pid_alive(os.getpid(), "time.sleep")
    finally:
        child.kill()
        child.wait()
    assert not services.pid_alive(child.pid, "time.sleep")
