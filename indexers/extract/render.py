"""Rasterising PDF pages with poppler's pdftoppm.

pypdf cannot render, and poppler is the fastest widely packaged renderer; its
PNM output goes straight into tesseract or Pillow without a temporary file.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from .errors import RendererUnavailable
from .model import Limits
from .tools import find_tool, run_tool

MAX_RENDER_PIXELS = 40_000_000
"""An A4 page at 300 dpi is 8.7 MP; anything far larger is a trap, not a page."""


def pdftoppm() -> str:
    """Path of pdftoppm, or RendererUnavailable naming the package to install."""
    path = find_tool("pdftoppm")
    if path is None:
        raise RendererUnavailable("pdftoppm not found: install the Debian package poppler-utils")
    return path


def safe_dpi(width_pt: float, height_pt: float, dpi: int) -> int:
    """The requested dpi, lowered so the bitmap stays under MAX_RENDER_PIXELS."""
    area_in = max(width_pt, 1.0) * max(height_pt, 1.0) / (72.0 * 72.0)
    if area_in * dpi * dpi <= MAX_RENDER_PIXELS:
        return dpi
    return max(36, int(math.sqrt(MAX_RENDER_PIXELS / area_in)))


def render_page_pnm(
    path: str | os.PathLike[str],
    page_no: int,
    *,
    dpi: int | None = None,
    scale_to: int | None = None,
    gray: bool = False,
    limits: Limits = Limits(),
) -> bytes:
    """One page as PPM/PGM bytes, either at ``dpi`` or fitted into ``scale_to`` pixels."""
    argv = [pdftoppm(), "-f", str(page_no), "-l", str(page_no)]
    if scale_to is not None:
        argv += ["-scale-to", str(scale_to)]
    else:
        argv += ["-r", str(dpi or limits.ocr_dpi)]
    if gray:
        argv.append("-gray")
    argv.append(os.fspath(Path(path)))
    return run_tool(argv, timeout_s=limits.tool_timeout_s, memory_mb=limits.tool_memory_mb)
