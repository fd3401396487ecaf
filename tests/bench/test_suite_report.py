"""The benchmark suite's report (bench/suite): a goal's verdict, the page and the plots it writes.

The figures themselves are measured by ``bench/run.py``, never in tests; these
checks keep the report honest: a missed goal reads as missed, the JSON holds
what the issue asks for, and a quick run does not erase the last full one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.suite import report
from bench.suite.model import Figure, Goal, SectionResult, Series


@pytest.mark.parametrize(
    ("value", "target", "compare", "met"),
    [
        (0.95, 0.9, "at_least", True),
        (0.85, 0.9, "at_least", False),
        (1.2, 1.5, "at_most", True),
        (1.6, 1.5, "at_most", False),
    ],
)
def test_goal_verdict(value: float, target: float, compare: str, met: bool) -> None:
    assert Goal("g", value, target, compare=compare).met is met  # type: ignore[arg-type]


def _sections() -> list[SectionResult]:
    return [
        SectionResult(
            "Storage",
            goals=[Goal("upload vs raw copy", 0.8, 0.9, "×", "at_least", baseline="raw copy 400 MB/s")],
            figures=[Figure("put", 320.0, "MB/s")],
            series=[Series("upload.png", "Upload", "MiB", "MB/s", [1, 10], {"ours": [300, 320], "raw": [390, 400]})],
            notes="Best of three.",
        )
    ]


def test_json_and_page_report_a_missed_goal(tmp_path: Path) -> None:
    data = report.run_json("quick", {"cpu": "test"}, "2026-12-01 00:00 UTC", 12.0, _sections())
    report.write(tmp_path, data, _sections())

    saved = json.loads((tmp_path / "benchmarks" / "quick.json").read_text())
    assert saved["goals"] == [
        {
            "name": "upload vs raw copy",
            "value": 0.8,
            "target": 0.9,
            "unit": "×",
            "compare": "at_least",
            "met": False,
            "baseline": "raw copy 400 MB/s",
            "detail": "",
            "measured": True,
            "section": "Storage",
        }
    ]
    page = (tmp_path / "benchmarks.md").read_text()
    assert "**0 of 1 goals met.**" in page
    assert "| upload vs raw copy | 0.8 × | ≥ 0.9 × | **not met** | raw copy 400 MB/s |" in page
    assert "![quick-upload.png](benchmarks/quick-upload.png)" in page
    assert (tmp_path / "benchmarks" / "quick-upload.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_quick_run_keeps_the_last_full_run(tmp_path: Path) -> None:
    full = report.run_json("full", {"cpu": "test"}, "2026-11-30 00:00 UTC", 3600.0, _sections())
    report.write(tmp_path, full, _sections())
    quick = report.run_json("quick", {"cpu": "test"}, "2026-12-01 00:00 UTC", 300.0, [])
    report.write(tmp_path, quick, [])

    page = (tmp_path / "benchmarks.md").read_text()
    assert page.index("## Quick run") < page.index("## Full run")
    assert "`python bench/run.py --full`, started 2026-11-30 00:00 UTC" in page


def test_a_section_that_raised_is_a_goal_not_met() -> None:
    result = report.failed("Search", "ConnectionError: refused")
    assert [g.met for g in result.goals] == [False]
    assert "refused" in result.goals[0].detail


def test_a_run_capped_in_size_grows_nothing_past_it_and_says_so(tmp_path: Path) -> None:
    from bench.suite.model import Context

    ctx = Context(quick=False, work=tmp_path, cache=tmp_path, env={}, largest=1_000_000)
    assert ctx.sizes([100_000, 1_000_000, 10_000_000]) == [100_000, 1_000_000]
    assert Context(quick=False, work=tmp_path, cache=tmp_path, env={}).sizes([10_000_000]) == [10_000_000]
    data = report.run_json("full", {"cpu": "test"}, "2026-12-02 00:00 UTC", 60.0, _sections(), largest=1_000_000)
    report.write(tmp_path, data, _sections())
    page = (tmp_path / "benchmarks.md").read_text()
    assert "`python bench/run.py --full --largest 1000000` (no collection past 1,000,000 pages" in page


def test_a_goal_with_nothing_to_measure_is_not_met_and_shows_no_number(tmp_path: Path) -> None:
    goal = Goal("search p95 at 10M pages", 1e9, 50.0, "ms", baseline="not measured: no such collection", measured=False)
    assert not goal.met and not Goal("x", 1.0, 50.0, "ms", measured=False).met
    section = SectionResult(title="Search", goals=[goal])
    report.write(tmp_path, report.run_json("full", {"cpu": "test"}, "2026-12-02 00:00 UTC", 1.0, [section]), [section])
    page = (tmp_path / "benchmarks.md").read_text()
    assert "| search p95 at 10M pages | not measured | ≤ 50.0 ms | **not met** |" in page
