"""OFD (GB/T 33190) files: page counts, the usability check, text per page and page previews.

Chinese e-licences and e-invoices are issued as OFD. Parsing runs in the
sandboxed worker like PDFs (ofd_package, ofd_text and ofd_render are loaded
there): the XML and the images inside are attacker-controlled.

No library was good enough to use: easyofd pulls in PyMuPDF, onnxruntime and
networkx and takes the whole file as base64 in memory; ofdreader 0.1.0 on
PyPI is a wheel with no code in it; ofdrw is Java. The package's XML is
simple enough to read with the standard library, bounded.
"""

from __future__ import annotations

import base64
import io
import os

from PIL import Image

from .model import Limits, PageText
from .sandbox import PdfWorker, default_worker


def _worker(limits: Limits, worker: PdfWorker | None) -> PdfWorker:
    return worker or default_worker(limits.memory_mb)


def ofd_page_count(path: str | os.PathLike[str], limits: Limits = Limits(), worker: PdfWorker | None = None) -> int:
    """Pages over all documents listed in OFD.xml."""
    return int(_worker(limits, worker).run("ofd_count", path, limits)["page_count"])


def ofd_check(path: str | os.PathLike[str], limits: Limits = Limits(), worker: PdfWorker | None = None) -> int:
    """The page count of an OFD every page (and every image it draws) of which opens; ExtractionFailed if not."""
    return int(_worker(limits, worker).run("ofd_check", path, limits)["page_count"])


def extract_ofd_text(
    path: str | os.PathLike[str], limits: Limits = Limits(), worker: PdfWorker | None = None
) -> list[PageText]:
    """Every page's text, from its text objects (source ``text``, as a PDF's text layer)."""
    pages = _worker(limits, worker).run("ofd_text", path, limits)["pages"]
    return [PageText(int(p["n"]), str(p["text"]), "text") for p in pages]


def render_ofd_page(
    path: str | os.PathLike[str],
    page_no: int,
    max_px: int,
    limits: Limits = Limits(),
    worker: PdfWorker | None = None,
) -> Image.Image:
    """One page drawn into a ``max_px`` box (decoded from the worker's PNG, a format we produce)."""
    found = _worker(limits, worker).run("ofd_render", path, limits, page=page_no, px=max_px)
    img = Image.open(io.BytesIO(base64.b64decode(found["png"])))
    img.load()
    return img
