"""Text, OCR, previews and format checks for stored files (issue #4, item 1).

Plain library code called from background jobs: every function takes a local
file path and returns data (text pages, encoded previews, verdicts); storing
it is the caller's business. Untrusted PDFs and OFD packages are parsed in a
killable child process; external tools run with time and memory limits.
"""

from .check import check_usable, count_pages, normalise_media_type, open_fully
from .errors import ExtractError, ExtractionFailed, OcrUnavailable, RendererUnavailable, ToolUnavailable
from .extract import extract_text
from .model import Limits, PageText, Preview
from .ocr import Tesseract, ocr_image_file
from .ocr_text import clean_ocr_text
from .ofd import extract_ofd_text
from .pdf import extract_pdf_text
from .previews import (
    PREVIEW_PX,
    THUMBNAIL_PX,
    image_preview,
    iter_previews,
    ofd_page_preview,
    page_preview,
    pdf_page_preview,
)
from .sandbox import PdfWorker
from .sniff import SNIFF_BYTES, sniff_file, sniff_media_type

__all__ = [
    "PREVIEW_PX",
    "SNIFF_BYTES",
    "THUMBNAIL_PX",
    "ExtractError",
    "ExtractionFailed",
    "Limits",
    "OcrUnavailable",
    "PageText",
    "PdfWorker",
    "Preview",
    "RendererUnavailable",
    "Tesseract",
    "ToolUnavailable",
    "check_usable",
    "clean_ocr_text",
    "count_pages",
    "extract_ofd_text",
    "extract_pdf_text",
    "extract_text",
    "image_preview",
    "iter_previews",
    "normalise_media_type",
    "ocr_image_file",
    "ofd_page_preview",
    "open_fully",
    "page_preview",
    "pdf_page_preview",
    "sniff_file",
    "sniff_media_type",
]
