"""格式信息 of each archived file: its format by PRONOM (Siegfried), the software that made it, and for scans
the 数字化属性 (resolution, colour mode, compression) DA/T 46 asks for.

Identification uses pygfried, Siegfried (the UK National Archives' PRONOM signatures, maintained by
Richard Lehane) compiled into a Python extension with its signature file inside, run in a child process
(siegfried.py: it holds the GIL while it works): it works offline and
names the format version (PDF 1.4, PDF/A-2b, TIFF 6 …), which a MIME type never does. A file is copied to a
temporary file while sealing streams it into the package (``Spool``), so it is read from the store once.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ...vocabulary import ColourMode
from . import siegfried

log = logging.getLogger(__name__)

PDF_FILTERS = {
    "/DCTDecode": "JPEG",
    "/JPXDecode": "JPEG 2000",
    "/CCITTFaxDecode": "CCITT G4",
    "/JBIG2Decode": "JBIG2",
    "/FlateDecode": "Deflate",
    "/LZWDecode": "LZW",
    "/RunLengthDecode": "RLE",
}
IMAGE_COMPRESSION = {"JPEG": "JPEG", "PNG": "Deflate", "WEBP": "WebP", "GIF": "LZW"}
TIFF_COMPRESSION = {
    "group4": "CCITT G4",
    "group3": "CCITT G3",
    "tiff_lzw": "LZW",
    "tiff_adobe_deflate": "Deflate",
    "tiff_deflate": "Deflate",
    "jpeg": "JPEG",
    "packbits": "PackBits",
    "raw": "无压缩",
}
CHUNK = 1024 * 1024


@dataclass
class FormatInfo:
    name: str = ""
    version: str = ""
    pronom: str = ""
    software: str = ""
    digitization: dict[str, Any] = field(default_factory=dict)


def suffix_of(name: str) -> str:
    """The suffix a file is identified under (Siegfried weighs it when signatures tie)."""
    return os.path.splitext(name)[1][:16]


class Spool(io.RawIOBase):
    """Reads through to ``source`` and keeps a copy on local disk, where identification reads it afterwards."""

    def __init__(self, source: BinaryIO, name: str) -> None:
        self.source = source
        fd, self.path = tempfile.mkstemp(prefix="ow-format-", suffix=suffix_of(name))
        self.copy = os.fdopen(fd, "wb")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.copy.write(chunk)
        return chunk

    def readinto(self, buffer) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def identify(self, media_type: str) -> FormatInfo:
        """Everything left unread is copied first, so identification sees the whole file."""
        while self.read(CHUNK):
            pass
        self.copy.close()
        return identify(self.path, media_type)

    def close(self) -> None:
        if not self.copy.closed:
            self.copy.close()
        if os.path.exists(self.path):
            os.unlink(self.path)
        super().close()


OFD_NAME = "OFD (Open Fixed-layout Document, GB/T 33190)"


def identify(path: str, media_type: str) -> FormatInfo:
    info = _pronom(path)
    if media_type == "application/ofd":
        return _ofd_identity(path, info)
    if media_type == "application/pdf":
        info.software, info.digitization = _pdf_details(path)
    elif media_type.startswith("image/"):
        info.software, info.digitization = _image_details(path)
    return info


def _pronom(path: str) -> FormatInfo:
    """Siegfried's first PRONOM match; a file it cannot identify has none ("UNKNOWN" is not a format)."""
    try:
        result = siegfried.identify(path)
    except Exception as exc:  # noqa: BLE001 - an unidentified file is archived all the same, with no PRONOM id
        log.warning("format identification of %s failed: %s", path, exc)
        return FormatInfo()
    matches = [m for f in result.get("files", []) for m in f.get("matches", []) if m.get("ns") == "pronom"]
    if not matches or matches[0].get("id") in (None, "", "UNKNOWN"):
        return FormatInfo()
    match = matches[0]
    return FormatInfo(name=match.get("format", ""), version=match.get("version", ""), pronom=match["id"])


def _ofd_identity(path: str, found: FormatInfo) -> FormatInfo:
    """PRONOM has no OFD entry, so Siegfried sees its zip (x-fmt/263); the format is named from OFD.xml instead.

    The version and the producing software come from OFD.xml (``Version``, DocInfo ``Creator`` and
    ``CreatorVersion``), read with the bounded reader the sandbox uses: one small member, size-capped, no DTD.
    """
    from indexers.extract.ofd_package import OfdError, Package, local

    info = FormatInfo(name=OFD_NAME, pronom="" if found.pronom == "x-fmt/263" else found.pronom)
    try:
        with Package(path) as package:
            root = package.xml("OFD.xml")
    except OfdError as exc:
        log.info("no OFD details for %s: %s", path, exc)
        return info
    info.version = (root.get("Version") or "")[:20]
    fields = {
        local(el.tag): (el.text or "").strip() for el in root.iter() if local(el.tag) in ("Creator", "CreatorVersion")
    }
    info.software = " ".join(v for v in (fields.get("Creator"), fields.get("CreatorVersion")) if v)[:200]
    return info


def _pdf_details(path: str) -> tuple[str, dict[str, Any]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        meta: dict[str, Any] = dict(reader.metadata or {})
        software = " / ".join(str(v) for v in dict.fromkeys((meta.get("/Creator"), meta.get("/Producer"))) if v)
        page = reader.pages[0] if reader.pages else None
        return software[:200], (_pdf_scan(page) if page is not None else {})
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("no PDF details for %s: %s", path, exc)
        return "", {}


def _pdf_scan(page) -> dict[str, Any]:
    """A page that is an image with no fonts is a scan: its first image's resolution, colours and compression."""
    resources = page.get("/Resources") or {}
    if resources.get("/Font"):
        return {}
    xobjects = resources.get("/XObject") or {}
    images = [x.get_object() for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    if not images:
        return {}
    image = images[0]
    width_inches = float(page.mediabox.width) / 72 or 1.0
    filters = image.get("/Filter")
    filters = filters if isinstance(filters, list) else [filters]
    space = str(image.get("/ColorSpace", ""))
    bits = int(image.get("/BitsPerComponent", 8))
    mode = ColourMode.BITONAL if bits == 1 else ColourMode.GREY if "Gray" in space else ColourMode.COLOUR
    return {
        "resolution": f"{round(int(image['/Width']) / width_inches)} dpi",
        "colour_mode": mode.label,
        "compression": ", ".join(PDF_FILTERS.get(str(f), str(f).lstrip("/")) for f in filters if f) or "无压缩",
    }


def _image_details(path: str) -> tuple[str, dict[str, Any]]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            software = str(image.getexif().get(0x0131) or image.info.get("Software") or "")
            dpi = image.info.get("dpi")
            mode = image.mode
            kind = image.format or ""
            compression = TIFF_COMPRESSION.get(str(image.info.get("compression", "")), "")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        log.info("no image details for %s: %s", path, exc)
        return "", {}
    colour = (
        ColourMode.BITONAL if mode == "1" else ColourMode.GREY if mode in ("L", "LA", "I;16") else ColourMode.COLOUR
    )
    return software[:200], {
        "resolution": f"{round(float(dpi[0]))} dpi" if dpi else "",
        "colour_mode": colour.label,
        "compression": compression or IMAGE_COMPRESSION.get(kind, kind),
    }
