"""Reading and cleaning Tesseract's output for Chinese.

Tesseract lays out CJK as if it were space-separated words, so "受理 通知书"
comes back with spaces no Chinese text has, and CJK punctuation often comes
back as ASCII with spaces around it ("通知书 ; 材料"). Left in, both break
phrase matching and make snippets look wrong. It also reads the wide gap
after an article number (第六十九条　行政…) as an opening quote that is never
closed: on the low-resolution benchmark scans, one character in a hundred.

The page comes back as TSV (one row per word, with its line, box and
confidence) so that badly read lines can be found and read again; text is
rebuilt from it the way Tesseract's plain-text output lays it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_PUNCT = (
    "\u3000-\u3004\u3008-\u3020\u3030-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\u2018-\u201f\u2026\u2014"
)
_WIDE = _CJK + _CJK_PUNCT

_SPACE_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}])[ \t\u3000]+(?=[{_WIDE}])")
_ASCII_PUNCT_AFTER_CJK = re.compile(f"(?<=[{_WIDE}])[ \t]*([,;:!?])[ \t]*")
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "!": "！", "?": "？"})
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_NUMERALS = "〇零一二三四五六七八九十百千万0-9"
_QUOTE_AFTER_ARTICLE = re.compile(f'(?<=[{_NUMERALS}][条章节款])[ \t]*([“”"])([^\n]*)')
_CLOSING_QUOTE_AT_LINE_START = re.compile("(?m)^[ \t]*”")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean_ocr_text(text: str) -> str:
    """Tesseract output with CJK spacing and punctuation restored."""
    text = text.replace("\f", "\n")
    text = _ASCII_PUNCT_AFTER_CJK.sub(lambda m: m.group(1).translate(_FULL_WIDTH), text)
    text = _SPACE_BETWEEN_WIDE.sub("", text)
    text = _QUOTE_AFTER_ARTICLE.sub(_unpaired_quote_to_gap, text)
    text = _CLOSING_QUOTE_AT_LINE_START.sub("", text)  # 禁则: typesetting never starts a line with ”
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _unpaired_quote_to_gap(m: re.Match[str]) -> str:
    """A quote right after an article number that pairs with nothing on its line is the gap there."""
    quote, rest = m.group(1), m.group(2)
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    opened_before = "“" in m.string[line_start : m.start()]
    paired = opened_before if quote == "”" else ("”" in rest or (quote == '"' and '"' in rest))
    return m.group(0) if paired else "\u3000" + rest


@dataclass(frozen=True)
class OcrLine:
    """One text line of a Tesseract TSV page: its words, box (pixels) and mean word confidence."""

    text: str
    box: tuple[int, int, int, int]
    """left, top, right, bottom"""
    confidence: float
    paragraph: tuple[int, int]
    """(block, paragraph) numbers: lines of different paragraphs are separated by a blank line"""


def parse_tsv(tsv: str) -> list[OcrLine]:
    """The lines of Tesseract's TSV output, in reading order; lines with no words are dropped."""
    lines: list[OcrLine] = []
    words: list[tuple[str, float, int]] = []
    current: tuple[tuple[int, int], tuple[int, int, int, int]] | None = None

    def flush() -> None:
        if current is not None and words:
            width = sum(w for _, _, w in words) or 1
            conf = sum(c * w for _, c, w in words) / width
            lines.append(OcrLine(" ".join(t for t, _, _ in words), current[1], conf, current[0]))
        words.clear()

    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 11 or not cols[0].isdigit():
            continue
        level = int(cols[0])
        left, top, width, height = (int(v) for v in cols[6:10])
        if level == 4:
            flush()
            current = ((int(cols[2]), int(cols[3])), (left, top, left + width, top + height))
        elif level == 5 and len(cols) > 11 and cols[11].strip():
            words.append((cols[11].strip(), float(cols[10]), width))
    flush()
    return lines


def lines_text(lines: list[OcrLine]) -> str:
    """The lines laid out as Tesseract's plain text is: a blank line between paragraphs."""
    out: list[str] = []
    for n, line in enumerate(lines):
        if n and line.paragraph != lines[n - 1].paragraph:
            out.append("")
        out.append(line.text)
    return "\n".join(out)
