"""What a benchmark section hands back: goals with their targets, plain figures, series to plot.

Every ratio is taken against a baseline measured in the same run on the same
machine, so a goal reads the same on a fast or a slow (or a shared) machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol


@dataclass(frozen=True)
class Goal:
    """One target of the issue: ``value`` compared with ``target`` (``at_most`` or ``at_least``)."""

    name: str
    value: float
    target: float
    unit: str = ""
    compare: Literal["at_most", "at_least"] = "at_most"
    baseline: str = ""
    """What the value was measured against, in words (``raw copy to the same bucket: 182 MB/s``)."""
    detail: str = ""
    measured: bool = True
    """False for a goal this run had nothing to measure with (its value is then a placeholder): never met."""

    @property
    def met(self) -> bool:
        if not self.measured:
            return False
        if self.compare == "at_most":
            return self.value <= self.target
        return self.value >= self.target

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "target": self.target,
            "unit": self.unit,
            "compare": self.compare,
            "met": self.met,
            "baseline": self.baseline,
            "detail": self.detail,
            "measured": self.measured,
        }


@dataclass(frozen=True)
class Figure:
    """A measured number without a target (throughputs, sizes, peak memory)."""

    name: str
    value: float
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class Series:
    """Lines for one PNG plot: ``lines`` maps a label to its y values over ``xs``."""

    file: str
    """Basename of the PNG, e.g. ``search-p95.png``; written under ``docs/benchmarks/``."""
    title: str
    x_label: str
    y_label: str
    xs: list[float]
    lines: dict[str, list[float]]
    log_x: bool = False
    log_y: bool = False


@dataclass
class SectionResult:
    title: str
    goals: list[Goal] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    notes: str = ""
    """Markdown shown under the section's tables: method, what the baselines are."""
    seconds: float = 0.0


@dataclass(frozen=True)
class Context:
    quick: bool
    work: Path
    """A scratch folder for this run, removed afterwards."""
    cache: Path
    """Kept between runs (generated corpora, downloaded tools)."""
    env: dict[str, str]
    """The real servers' ``ONEWINDOW_TEST_*`` variables (``scripts/services env --prefix ONEWINDOW_TEST_``)."""
    largest: int | None = None
    """No collection grows past this many pages (``--largest``); goals at larger sizes show as not measured."""

    def sizes(self, sizes: list[int]) -> list[int]:
        return [size for size in sizes if self.largest is None or size <= self.largest]

    @property
    def mode(self) -> str:
        return "quick" if self.quick else "full"

    def server(self, name: str) -> str | None:
        """``index``, ``storage``, ``database``, ``redis`` ... -> the URL of that real server, if running."""
        key = f"ONEWINDOW_TEST_{name.upper()}_URL"
        return self.env.get(key) or os.environ.get(key)


class Section(Protocol):
    """A module under ``bench/suite/sections`` exposes ``TITLE`` and ``run``."""

    TITLE: str

    def run(self, ctx: Context) -> SectionResult: ...
