"""Page counts and the usability check the archive's four-property check reuses.

"Usable" in the archival sense (DA/T 70): the stored bytes really are the
format they claim and a reader can open them. It is decided from content, so
a renamed file or a truncated upload is caught at intake, not years later.
"""

from __future__ import annotations

import os

from .errors import ExtractError, ExtractionFailed
from .images import image_page_count
from .model import Limits
from .ofd import ofd_check, ofd_page_count
from .sandbox import PdfWorker, default_worker
from .sniff import OFD, sniff_file

_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/tif": "image/tiff",
    "image/x-tiff": "image/tiff",
    "application/x-pdf": "application/pdf",
    "image/x-ms-bmp": "image/bmp",
    "image/heic": "image/heif",
    "image/heic-sequence": "image/heif",
    "image/heif-sequence": "image/heif",
}
PILLOW_TYPES = {
    "image/jpeg",
    "image/png",
    "image/tiff",
    "image/webp",
    "image/gif",
    "image/bmp",
    "image/jp2",
    "image/heif",
}


def normalise_media_type(media_type: str) -> str:
    base = media_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(base, base)


def count_pages(
    path: str | os.PathLike[str],
    media_type: str | None = None,
    *,
    limits: Limits = Limits(),
    worker: PdfWorker | None = None,
) -> int:
    """Pages of a PDF or OFD, frames of an image; ExtractionFailed if it cannot tell."""
    media_type = normalise_media_type(media_type or sniff_file(path))
    if media_type == "application/pdf":
        return int((worker or default_worker(limits.memory_mb)).run("count", path, limits)["page_count"])
    if media_type in PILLOW_TYPES:
        return image_page_count(path)
    if media_type == OFD:
        return ofd_page_count(path, limits, worker)
    raise ExtractionFailed("unsupported", f"cannot count pages of {media_type}")


def open_fully(
    path: str | os.PathLike[str], media_type: str, *, limits: Limits = Limits(), worker: PdfWorker | None = None
) -> tuple[int, str]:
    """``(pages, description)`` of a file every page of which opens; ExtractionFailed saying why not.

    PDFs, images and OFD are opened in the sandboxed child (their parsers run
    on attacker-controlled bytes).
    """
    media_type = normalise_media_type(media_type)
    if media_type == "application/pdf":
        pages = int((worker or default_worker(limits.memory_mb)).run("check", path, limits)["page_count"])
        return pages, f"PDF, {pages} page(s)"
    if media_type in PILLOW_TYPES:
        found = (worker or default_worker(limits.memory_mb)).run("image", path, limits)
        frames = int(found["page_count"])
        return frames, f"{found['format']} {found['width']}x{found['height']}, {frames} frame(s)"
    if media_type == OFD:
        pages = ofd_check(path, limits, worker)
        return pages, f"OFD, {pages} page(s)"
    raise ExtractionFailed("unsupported", f"unsupported media type {media_type}")


def check_usable(
    path: str | os.PathLike[str],
    media_type: str | None = None,
    *,
    limits: Limits = Limits(),
    worker: PdfWorker | None = None,
) -> tuple[bool, str]:
    """``(ok, detail)``: content matches ``media_type`` (if given) and opens.

    Never raises for a bad file: the archive check records the detail.
    """
    actual = sniff_file(path)
    if media_type and normalise_media_type(media_type) != actual:
        return False, f"content is {actual}, declared {normalise_media_type(media_type)}"
    try:
        return True, open_fully(path, actual, limits=limits, worker=worker)[1]
    except ExtractError as exc:
        return False, str(exc)
