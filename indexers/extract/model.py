"""Value types shared by the extraction modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TextSource = Literal["text", "ocr"]


@dataclass(frozen=True)
class PageText:
    """Text of one page and where it came from.

    ``source`` is kept with the text so the index can be rebuilt from stored
    pages alone, and so OCR text can be re-done later when the engine improves
    without touching pages that had a real text layer.
    """

    page_no: int
    text: str
    source: TextSource


@dataclass(frozen=True)
class Limits:
    """Resource budget for handling one untrusted file.

    The defaults fit a 2-core, 24 GiB machine running a few jobs at once: a
    legitimate 500-page dossier extracts well inside them, a hostile file is
    stopped before it can starve the other jobs.
    """

    timeout_s: float = 120.0
    memory_mb: int = 1024
    max_pages: int = 5000
    max_page_chars: int = 1_000_000
    tool_timeout_s: float = 180.0
    tool_memory_mb: int = 2048
    ocr_dpi: int = 300


@dataclass(frozen=True)
class Preview:
    """An encoded raster (thumbnail or page preview) ready to be stored."""

    data: bytes
    media_type: str
    width: int
    height: int
