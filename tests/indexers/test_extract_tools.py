"""Tests for indexers.extract.tools: external programs started early, bounded, and never left behind."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from test_extract import require_ocr

from indexers.extract import ExtractionFailed, Tesseract
from indexers.extract.tools import run_tool, started_tool


def _children() -> set[int]:
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return found


def _wait_for(path: Path) -> None:
    """Waits for a file the tool writes; bounded, so a tool that never starts fails the test."""
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def test_the_tool_runs_before_its_input_exists(tmp_path: Path) -> None:
    started = tmp_path / "started"
    script = f"touch {started}; cat"
    with started_tool(["sh", "-c", script], timeout_s=30) as tool:
        _wait_for(started)
        assert tool.finish(b"the page") == b"the page"


def test_a_failure_before_the_input_kills_the_tool(tmp_path: Path) -> None:
    before = _children()
    started = tmp_path / "started"
    sleeper = ["sh", "-c", f"touch {started}; exec sleep 60"]
    with pytest.raises(RuntimeError, match="page could not be made"), started_tool(sleeper, timeout_s=30):
        _wait_for(started)
        assert _children() - before
        raise RuntimeError("page could not be made")
    assert _children() - before == set()


def test_the_deadline_counts_from_the_start() -> None:
    before = _children()
    with pytest.raises(ExtractionFailed) as failed:
        run_tool(["sleep", "30"], timeout_s=0.5)
    assert failed.value.reason == "timeout"
    assert "sleep ran over 0.5 s" in failed.value.detail
    assert _children() - before == set()


def test_a_failing_tool_reports_its_exit_and_stderr() -> None:
    with pytest.raises(ExtractionFailed) as failed:
        run_tool(["sh", "-c", "echo cannot read this page >&2; exit 3"], timeout_s=30)
    assert failed.value.reason == "tool_failed"
    assert "sh exited 3: cannot read this page" in failed.value.detail


def test_the_memory_cap_applies() -> None:
    hog = [sys.executable, "-c", "bytearray(600 * 1024 * 1024)"]
    assert run_tool([sys.executable, "-c", "print('ok')"], timeout_s=30, memory_mb=300) == b"ok\n"
    with pytest.raises(ExtractionFailed) as failed:
        run_tool(hog, timeout_s=30, memory_mb=300)
    assert failed.value.reason == "tool_failed"
    assert "MemoryError" in failed.value.detail


def test_a_page_that_cannot_be_loaded_leaves_no_tesseract_behind() -> None:
    require_ocr()
    before = _children()

    def unreadable() -> tuple:
        raise ExtractionFailed("unreadable", "frame 1: truncated")

    with pytest.raises(ExtractionFailed, match="truncated"):
        Tesseract().recognize_page(unreadable)
    assert _children() - before == set()
