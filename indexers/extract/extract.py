"""One entry point: the text of any supported file, page by page."""

from __future__ import annotations

import os

from .check import PILLOW_TYPES, normalise_media_type
from .errors import ExtractionFailed
from .model import Limits, PageText
from .ocr import Tesseract, ocr_image_file
from .ofd import extract_ofd_text
from .pdf import extract_pdf_text
from .sandbox import PdfWorker
from .sniff import OFD, sniff_file


def extract_text(
    path: str | os.PathLike[str],
    media_type: str | None = None,
    *,
    ocr: bool = True,
    engine: Tesseract | None = None,
    limits: Limits = Limits(),
    worker: PdfWorker | None = None,
) -> list[PageText]:
    """Pages of text with their source, for storing and indexing.

    ``media_type`` should be the sniffed type (it is sniffed here if not
    given). OFD text comes from its text objects, like a PDF's text layer.
    Images are OCR'd (one page per frame); with ``ocr=False`` they yield no
    pages. Raises ExtractionFailed for a bad or unsupported file and
    OcrUnavailable when OCR is needed but not installed.
    """
    media_type = normalise_media_type(media_type or sniff_file(path))
    if media_type == "application/pdf":
        return extract_pdf_text(path, ocr=ocr, engine=engine, limits=limits, worker=worker)
    if media_type == OFD:
        return extract_ofd_text(path, limits, worker)
    if media_type in PILLOW_TYPES:
        if not ocr:
            return []
        texts = ocr_image_file(path, engine, limits)
        return [PageText(n, text, "ocr") for n, text in enumerate(texts, start=1)]
    raise ExtractionFailed("unsupported", f"no text extraction for {media_type}")
