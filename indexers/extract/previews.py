"""Thumbnails and page previews for images, PDF and OFD pages, as encoded bytes.

The caller stores the bytes in object storage; nothing here knows about it.
Sizes are boxes: the long side is fitted to ``max_px`` and aspect is kept.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from typing import Literal

from PIL import Image

from .errors import ExtractionFailed
from .images import iter_upright_frames, opened, upright
from .model import Limits, Preview
from .ofd import render_ofd_page
from .render import render_page_pnm
from .sniff import OFD, sniff_file

THUMBNAIL_PX = 320
PREVIEW_PX = 1200
Format = Literal["webp", "jpeg"]

_MEDIA_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}


def encode(img: Image.Image, max_px: int, fmt: Format = "webp", quality: int = 80) -> Preview:
    """Fit ``img`` into a ``max_px`` box and encode it."""
    img = upright(img)
    if max(img.size) > max_px:
        img = img.copy()
        img.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    if fmt == "webp":
        img.save(buf, format="WEBP", quality=quality, method=4)
    else:
        img.convert("RGB").save(buf, format="JPEG", quality=quality, optimize=True, progressive=True)
    return Preview(buf.getvalue(), _MEDIA_TYPES[fmt], img.width, img.height)


def image_preview(
    path: str | os.PathLike[str], max_px: int = THUMBNAIL_PX, fmt: Format = "webp", frame: int = 1
) -> Preview:
    """A preview of one frame of an image file, upright per EXIF.

    For JPEG the decoder is asked for a reduced-size decode first (DCT
    scaling), which makes thumbnails of 12 MP phone photos several times faster.
    """
    if frame == 1:
        with opened(path) as img:
            if img.format == "JPEG":
                img.draft("RGB", (max_px, max_px))
            img.load()
            return encode(img, max_px, fmt)
    for index, (img, _dpi) in enumerate(iter_upright_frames(path), start=1):
        if index == frame:
            return encode(img, max_px, fmt)
    raise ExtractionFailed("unreadable", f"image has no frame {frame}")


def pdf_page_preview(
    path: str | os.PathLike[str],
    page_no: int,
    max_px: int = PREVIEW_PX,
    fmt: Format = "webp",
    limits: Limits = Limits(),
) -> Preview:
    """A preview of one PDF page, rendered by pdftoppm straight at the target size."""
    pnm = render_page_pnm(path, page_no, scale_to=max_px, limits=limits)
    with Image.open(io.BytesIO(pnm)) as img:
        img.load()
        return encode(img, max_px, fmt)


def ofd_page_preview(
    path: str | os.PathLike[str],
    page_no: int,
    max_px: int = PREVIEW_PX,
    fmt: Format = "webp",
    limits: Limits = Limits(),
) -> Preview:
    """A preview of one OFD page, drawn in the sandboxed worker at the target size."""
    return encode(render_ofd_page(path, page_no, max_px, limits), max_px, fmt)


def page_preview(
    path: str | os.PathLike[str], media_type: str, page_no: int, max_px: int = PREVIEW_PX, fmt: Format = "webp"
) -> Preview:
    """One page (or frame) of any previewable file: PDF, OFD or image."""
    if media_type == "application/pdf":
        return pdf_page_preview(path, page_no, max_px, fmt)
    if media_type == OFD:
        return ofd_page_preview(path, page_no, max_px, fmt)
    if media_type.startswith("image/"):
        return image_preview(path, max_px, fmt, frame=page_no)
    raise ExtractionFailed("unsupported", f"no previews for {media_type}")


def _render_page(path: str | os.PathLike[str], media_type: str, page_no: int, px: int, limits: Limits) -> Image.Image:
    if media_type == OFD:
        return render_ofd_page(path, page_no, px, limits)
    with Image.open(io.BytesIO(render_page_pnm(path, page_no, scale_to=px, limits=limits))) as rendered:
        rendered.load()
        return rendered.copy()


def iter_previews(
    path: str | os.PathLike[str],
    media_type: str | None = None,
    sizes: Iterable[int] = (THUMBNAIL_PX, PREVIEW_PX),
    fmt: Format = "webp",
    pages: Iterable[int] | None = None,
    limits: Limits = Limits(),
) -> Iterator[tuple[int, int, Preview]]:
    """Yield ``(page_no, max_px, preview)`` for each page and size, one at a time.

    A generator so a 300-page dossier is never held in memory at once; pass
    ``pages`` to render only some (e.g. ``[1]`` for a dossier thumbnail).
    """
    from .check import count_pages

    media_type = media_type or sniff_file(path)
    sizes = sorted(set(sizes), reverse=True)
    if media_type in ("application/pdf", OFD):
        wanted = pages if pages is not None else range(1, count_pages(path, media_type, limits=limits) + 1)
        for page_no in wanted:
            rendered = _render_page(path, media_type, page_no, sizes[0], limits)
            for size in sizes:
                yield page_no, size, encode(rendered, size, fmt)
        return
    if not media_type.startswith("image/"):
        raise ExtractionFailed("unsupported", f"no previews for {media_type}")
    if media_type == "image/jpeg" and (pages is None or 1 in set(pages)):
        with opened(path) as img:
            img.draft("RGB", (sizes[0], sizes[0]))
            img.load()
            base = upright(img)
        for size in sizes:
            yield 1, size, encode(base, size, fmt)
        return
    wanted_set = set(pages) if pages is not None else None
    for page_no, (img, _dpi) in enumerate(iter_upright_frames(path), start=1):
        if wanted_set is not None and page_no not in wanted_set:
            continue
        for size in sizes:
            yield page_no, size, encode(img, size, fmt)
