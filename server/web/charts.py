"""Bar charts as inline SVG, drawn on the server: no script, readable on a phone, printable.

Horizontal bars, because Chinese labels such as department names are long
and a phone screen is narrow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW = 28
LABEL_WIDTH = 132
WIDTH = 360
VALUE_WIDTH = 56


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str = "bar-blue"


def bar_chart(bars: Sequence[Bar], *, title: str, unit: str = "", empty: str = "—") -> Markup:
    """An accessible SVG: a <title>, one <g> per bar with the number written beside it."""
    if not bars:
        return Markup('<p class="chart-empty">{}</p>').format(empty)
    top = max((b.value for b in bars), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(bars) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, bar in enumerate(bars):
        y = i * ROW + 2
        width = max(bar.value / top * span, 1 if bar.value else 0)
        value = f"{bar.value:g}{unit}"
        parts.append(
            f'<g class="{escape(bar.colour)}"><text class="chart-label" x="{LABEL_WIDTH - 6}" y="{y + 17}" '
            f'text-anchor="end">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="{ROW - 10}" rx="3"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 17}">{escape(value)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 20) -> str:
    """Cut to what fits the label column: a CJK character is about twice as wide as a Latin one."""
    used = 0
    for i, char in enumerate(label):
        used += 2 if ord(char) > 0x2E80 else 1
        if used > limit:
            return label[: i - 1] + "…"
    return label
