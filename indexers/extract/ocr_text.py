"""Cleaning Tesseract's output for Chinese.

Tesseract lays out CJK as if it were space-separated words, so "受理 通知书"
comes back with spaces no Chinese text has, and CJK punctuation often comes
back as ASCII with spaces around it ("通知书 ; 材料"). Left in, both break
phrase matching and make snippets look wrong.
"""

from __future__ import annotations

import re

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
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean_ocr_text(text: str) -> str:
    """Tesseract output with CJK spacing and punctuation restored."""
    text = text.replace("\f", "\n")
    text = _ASCII_PUNCT_AFTER_CJK.sub(lambda m: m.group(1).translate(_FULL_WIDTH), text)
    text = _SPACE_BETWEEN_WIDE.sub("", text)
    text = _TRAILING_SPACE.sub("\n", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()
