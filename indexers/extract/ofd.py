"""Minimal OFD (GB/T 33190) support: is the package sound, and how many pages.

Government systems issue licences and receipts as OFD; we cannot extract its
text yet, but the archive's usability check and page counts must not treat
it as an unknown blob. Only small XML members are read, so a zip bomb inside
the package is never inflated.
"""

from __future__ import annotations

import os
import posixpath
import xml.etree.ElementTree as ET
import zipfile

from .errors import ExtractionFailed

MAX_XML_BYTES = 10 * 1024 * 1024


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_xml(zf: zipfile.ZipFile, name: str) -> ET.Element:
    info = next((i for i in zf.infolist() if i.filename.lstrip("/").lower() == name.lstrip("/").lower()), None)
    if info is None:
        raise ExtractionFailed("unreadable", f"OFD package lacks {name}")
    if info.file_size > MAX_XML_BYTES:
        raise ExtractionFailed("too_large", f"{name} is {info.file_size} bytes")
    with zf.open(info) as fh:
        data = fh.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise ExtractionFailed("too_large", f"{name} inflates past {MAX_XML_BYTES} bytes")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ExtractionFailed("unreadable", f"{name}: {exc}") from exc


def ofd_page_count(path: str | os.PathLike[str]) -> int:
    """Pages over all documents listed in OFD.xml."""
    try:
        with zipfile.ZipFile(path) as zf:
            root = _read_xml(zf, "OFD.xml")
            doc_roots = [el.text.strip() for el in root.iter() if _local(el.tag) == "DocRoot" and el.text]
            if not doc_roots:
                raise ExtractionFailed("unreadable", "OFD.xml names no DocRoot")
            total = 0
            for doc_root in doc_roots:
                document = _read_xml(zf, posixpath.normpath(doc_root.lstrip("/")))
                total += sum(1 for el in document.iter() if _local(el.tag) == "Page")
            return total
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExtractionFailed("unreadable", f"{type(exc).__name__}: {exc}") from exc
