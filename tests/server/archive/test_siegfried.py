"""Format identification in its own process: the same answers, and a dead or hung child is replaced."""

from __future__ import annotations

import pytest
from archive_samples import make_pdf

from server.services.archive import siegfried


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "licence.pdf"
    path.write_bytes(make_pdf("licence"))
    return str(path)


def _pronom(result: dict) -> str:
    return result["files"][0]["matches"][0]["id"]


def test_a_pdf_is_identified_in_a_child_process(pdf):
    import pygfried

    assert _pronom(siegfried.identify(pdf)) == _pronom(pygfried.identify(pdf, detailed=True))
    assert siegfried._child is not None and siegfried._child.poll() is None


def test_a_child_that_died_is_replaced(pdf):
    siegfried.identify(pdf)
    first = siegfried._child
    first.kill()
    first.wait()
    assert _pronom(siegfried.identify(pdf)).startswith("fmt/")
    assert siegfried._child is not first


def test_a_child_over_its_time_is_killed_and_the_next_call_starts_afresh(pdf, monkeypatch):
    siegfried.identify(pdf)
    hung = siegfried._child
    monkeypatch.setattr(siegfried, "TIMEOUT_S", 0.0)
    with pytest.raises(siegfried.IdentificationFailed):
        siegfried.identify(pdf)
    assert hung.poll() is not None and siegfried._child is None
    monkeypatch.undo()
    assert _pronom(siegfried.identify(pdf)).startswith("fmt/")


def test_a_missing_file_is_reported_not_raised_as_a_crash(tmp_path):
    result = siegfried.identify(str(tmp_path / "gone.pdf"))  # Siegfried reports it as an error in its answer
    assert result["files"][0]["errors"] or not result["files"][0]["matches"]
