"""An OFD page's text in reading order, from its positioned TextCode runs.

OFD stores no reading order: a producer may write a form's labels first and
its values later, or one character per TextCode. Runs are grouped into lines
by baseline, lines read top to bottom, runs left to right; a space is put
only where the gap on the line shows one (between Latin words, or between
table cells), never between adjacent CJK characters. A line that runs to the
right margin, spans most of the page and does not end a sentence is wrapped text: the next line
continues it, so a phrase broken by the wrap is still found. Standard
library only (runs in the sandbox).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ofd_package import Page, TextRun

LINE_TOLERANCE = 0.45
"""Baselines closer than this fraction of the font size are the same line."""
CELL_GAP = 1.2
"""A gap wider than this many font sizes separates fields, even between CJK characters."""
WORD_GAP = 0.25
SENTENCE_END = set("。！？：；.!?:;")
FULL_LINE = 0.6
"""Only a line this share of the page wide can be wrapped text: a form's short fields never continue."""


def _wide(char: str) -> bool:
    return ord(char) >= 0x2E80


def _chars(run: TextRun) -> list[tuple[float, str, float]]:
    return [(x, c, run.size) for x, c in zip(run.x, run.text, strict=False)]


def _lines(runs: list[TextRun]) -> list[list[TextRun]]:
    lines: list[tuple[float, float, list[TextRun]]] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x[0] if r.x else 0.0)):
        if lines and abs(run.y - lines[-1][0]) <= LINE_TOLERANCE * max(run.size, lines[-1][1]):
            lines[-1][2].append(run)
        else:
            lines.append((run.y, run.size, [run]))
    return [line for _, _, line in lines]


def _right(char: tuple[float, str, float]) -> float:
    x, c, size = char
    return x + (size if _wide(c) else size * 0.5)


def _join(chars: list[tuple[float, str, float]]) -> str:
    out: list[str] = []
    previous: tuple[float, str, float] | None = None
    for x, char, size in chars:
        if previous is not None:
            px, pchar, psize = previous
            advance = psize if _wide(pchar) else psize * 0.5
            gap = x - px - advance
            both_wide = _wide(pchar) and _wide(char)
            if gap > CELL_GAP * psize or (not both_wide and gap > WORD_GAP * psize and not pchar.isspace()):
                out.append(" ")
        out.append(char)
        previous = (x, char, size)
    return "".join(out).strip()


def page_text(page: Page, max_chars: int = 1_000_000) -> str:
    """Paragraphs of the page (wrapped lines rejoined) separated by newlines, cut at ``max_chars``."""
    lines = [sorted((c for run in line for c in _chars(run)), key=lambda c: c[0]) for line in _lines(page.texts)]
    lines = [line for line in lines if line]
    margin = max((_right(line[-1]) for line in lines), default=0.0)
    out: list[str] = []
    previous: list[tuple[float, str, float]] | None = None
    for line in lines:
        text = _join(line)
        if not text:
            continue
        if previous is not None and out:
            last = previous[-1]
            full = _right(last) >= margin - 2 * last[2] and _right(last) - previous[0][0] >= FULL_LINE * page.width
            wrapped = full and last[1] not in SENTENCE_END
            if wrapped:
                out.append("" if _wide(last[1]) and _wide(text[0]) else " ")
            else:
                out.append("\n")
        out.append(text)
        previous = line
    return "".join(out).replace("\x00", "")[:max_chars]
