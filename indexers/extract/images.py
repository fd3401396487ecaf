"""Opening untrusted images with Pillow: decode checks, EXIF orientation, frames.

Phone photos of licences are usually stored sideways with an EXIF
Orientation tag; previews and OCR both need the upright pixels. Pillow's
decompression-bomb guard is kept and turned into ExtractionFailed so a job
records it instead of crashing.

iPhones save HEIC: pillow-heif (libheif with libde265, in its wheel) makes it
one more Pillow format. libheif applies the file's irot/imir transforms while
decoding and pillow-heif then reports EXIF Orientation 1, so exif_transpose
does not turn an iPhone photo twice.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from .errors import ExtractionFailed

register_heif_opener()

_ORIENTATION_TAG = 0x0112
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


@contextmanager
def opened(path: str | os.PathLike[str]) -> Iterator[Image.Image]:
    """Image.open with Pillow's failures mapped onto ExtractionFailed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                yield img
    except Image.DecompressionBombError as exc:
        raise ExtractionFailed("too_large", str(exc)) from exc
    except _DECODE_ERRORS as exc:
        raise ExtractionFailed("unreadable", f"{type(exc).__name__}: {exc}") from exc


def orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(_ORIENTATION_TAG, 1) or 1)
    except Exception:  # noqa: BLE001 - an unreadable EXIF block of an untrusted file means no rotation
        return 1


def frame_count(img: Image.Image) -> int:
    return int(getattr(img, "n_frames", 1) or 1)


def needs_pillow_for_ocr(path: str | os.PathLike[str], native_formats: Iterable[str]) -> bool:
    """Whether the file must be re-encoded before an external OCR engine sees it."""
    with opened(path) as img:
        return img.format not in set(native_formats) or frame_count(img) > 1 or orientation(img) != 1


def upright(img: Image.Image) -> Image.Image:
    """The image as a viewer shows it, in a mode every encoder accepts."""
    img = ImageOps.exif_transpose(img) or img
    if img.mode in ("RGBA", "LA", "P", "PA"):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, (255, 255, 255))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    if img.mode not in ("RGB", "L"):
        return img.convert("RGB")
    return img


def load_frame(img: Image.Image, index: int) -> int | None:
    """Decodes frame ``index`` of an open image and returns its dpi, if the file records a usable one."""
    try:
        img.seek(index)
        img.load()
    except _DECODE_ERRORS as exc:
        raise ExtractionFailed("unreadable", f"frame {index + 1}: {type(exc).__name__}: {exc}") from exc
    dpi = img.info.get("dpi")
    try:
        return int(round(float(dpi[0]))) if dpi and dpi[0] else None
    except (TypeError, ValueError):
        return None


def iter_upright_frames(path: str | os.PathLike[str]) -> Iterator[tuple[Image.Image, int | None]]:
    """Each frame (multi-page TIFF scans have many), upright, with its dpi if known."""
    with opened(path) as img:
        for index in range(frame_count(img)):
            dpi = load_frame(img, index)
            yield upright(img.copy()), dpi


def image_page_count(path: str | os.PathLike[str]) -> int:
    with opened(path) as img:
        return frame_count(img)


def jpeg_copy(path: str | os.PathLike[str], quality: int = 92) -> bytes:
    """The first frame as an upright baseline JPEG, with the EXIF block kept but its Orientation reset.

    For formats an archive does not take (HEIC): JPEG is on the archival list (GB/T 18894) and reads
    everywhere; quality 92 keeps a phone photo's detail for a few megabytes.
    """
    with opened(path) as img:
        try:
            img.load()
            exif = img.getexif()
        except _DECODE_ERRORS as exc:
            raise ExtractionFailed("unreadable", f"{type(exc).__name__}: {exc}") from exc
        picture = upright(img)
    if _ORIENTATION_TAG in exif:
        exif[_ORIENTATION_TAG] = 1
    buf = io.BytesIO()
    picture.convert("RGB").save(buf, format="JPEG", quality=quality, exif=exif.tobytes())
    return buf.getvalue()
