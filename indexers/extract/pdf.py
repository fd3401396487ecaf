"""PDF text per page: the text layer from pypdf (sandboxed), OCR for scanned pages."""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PIL import Image

from .errors import OcrUnavailable, RendererUnavailable
from .model import Limits, PageText
from .ocr import Tesseract, default_engine
from .render import render_page_pnm, safe_dpi
from .sandbox import PdfWorker, default_worker

# A scan's pages are read side by side, one Tesseract per core (each runs single-threaded); the bound is
# per process, so several job threads reading scans at once still run no more Tesseracts than cores.
OCR_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 1)


def text_layer(
    path: str | os.PathLike[str], limits: Limits = Limits(), worker: PdfWorker | None = None
) -> list[dict[str, Any]]:
    """Raw per-page results from the worker: ``{"n", "text", "ocr"}``, ``ocr`` meaning "needs OCR"."""
    worker = worker or default_worker(limits.memory_mb)
    return worker.run("text", path, limits)["pages"]


def extract_pdf_text(
    path: str | os.PathLike[str],
    *,
    ocr: bool = True,
    engine: Tesseract | None = None,
    limits: Limits = Limits(),
    worker: PdfWorker | None = None,
) -> list[PageText]:
    """Text of every page, OCR'ing the pages that have no usable text layer.

    With ``ocr=False`` the pages needing OCR are left out, for a fast first
    pass. If OCR is wanted but the engine or renderer is missing, raises
    OcrUnavailable carrying the text-layer pages so the caller can keep them.
    """
    pages = text_layer(path, limits, worker)
    done = [PageText(p["n"], p["text"], "text") for p in pages if not p["ocr"]]
    pending = [p for p in pages if p["ocr"]]
    if not pending or not ocr:
        return done
    engine = engine or default_engine()
    try:
        engine.executable()
        with ThreadPoolExecutor(max_workers=min(len(pending), os.cpu_count() or 1)) as pool:
            ocr_pages = list(pool.map(lambda p: _ocr_slot(path, p, engine, limits), pending))
    except (OcrUnavailable, RendererUnavailable) as exc:
        raise OcrUnavailable(str(exc), partial=done, pending_pages=[p["n"] for p in pending]) from exc
    return sorted(done + ocr_pages, key=lambda page: page.page_no)


def _ocr_slot(path: str | os.PathLike[str], page: dict[str, Any], engine: Tesseract, limits: Limits) -> PageText:
    with OCR_SLOTS:
        return _ocr_page(path, page, engine, limits)


def _ocr_page(path: str | os.PathLike[str], page: dict[str, Any], engine: Tesseract, limits: Limits) -> PageText:
    dpi = safe_dpi(page.get("w", 612.0), page.get("h", 792.0), limits.ocr_dpi)
    if not engine.preprocess:
        pnm = render_page_pnm(path, page["n"], dpi=dpi, gray=True, limits=limits)
        return PageText(page["n"], engine.recognize(pnm, dpi=dpi, limits=limits), "ocr")

    def rendered() -> tuple[Image.Image, int]:
        pnm = render_page_pnm(path, page["n"], dpi=dpi, gray=True, limits=limits)
        with Image.open(io.BytesIO(pnm)) as img:
            img.load()
            return img, dpi

    return PageText(page["n"], engine.recognize_page(rendered, limits=limits), "ocr")
