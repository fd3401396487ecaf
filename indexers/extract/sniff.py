"""Media type from content, never from the file name or the client's claim.

Uploads arrive with whatever name and Content-Type the applicant's phone or
scanner chose; a PDF called ``.jpg`` must still be handled as a PDF, and a
renamed executable must not be treated as a document.
"""

from __future__ import annotations

import os
import zipfile

SNIFF_BYTES = 1024
"""How many leading bytes ``sniff_media_type`` wants (PDF allows junk before ``%PDF-``)."""

OCTET_STREAM = "application/octet-stream"
OFD = "application/ofd"
ZIP = "application/zip"

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image/jp2"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}
_BMP_HEADER_SIZES = {12, 40, 52, 56, 108, 124}


def sniff_media_type(first_bytes: bytes) -> str:
    """The media type the leading bytes prove, or ``application/octet-stream``."""
    head = bytes(first_bytes[:SNIFF_BYTES])
    for prefix, media_type in _PREFIXES:
        if head.startswith(prefix):
            return media_type
    if b"%PDF-" in head:
        return "application/pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/avif" if head[8:12] == b"avif" else "image/heif"
    if head[:2] == b"BM" and len(head) >= 18 and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return "image/bmp"
    if head[:4] == b"PK\x03\x04":
        return OFD if _first_zip_member(head).upper() == "OFD.XML" else ZIP
    return OCTET_STREAM


def sniff_file(path: str | os.PathLike[str]) -> str:
    """``sniff_media_type`` on a file, looking into zips for an OFD root.

    OFD (GB/T 33190, China's fixed-layout format) is a zip whose first member
    is usually, but not always, ``OFD.xml``; only the central directory says
    for sure.
    """
    with open(path, "rb") as fh:
        media_type = sniff_media_type(fh.read(SNIFF_BYTES))
    if media_type == ZIP:
        try:
            with zipfile.ZipFile(path) as zf:
                if any(name.upper() == "OFD.XML" for name in zf.namelist()):
                    return OFD
        except (zipfile.BadZipFile, OSError, ValueError):
            pass
    return media_type


def _first_zip_member(head: bytes) -> str:
    if len(head) < 30:
        return ""
    name_len = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + name_len].decode("cp437", "replace")


def is_image(media_type: str) -> bool:
    return media_type.startswith("image/")
