"""Fixtures for archive tests: sample documents and a helper that seals a dossier."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from server.models import ServiceItem, utcnow
from server.services.archive.seal import SealFile, SealRequest, seal_dossier


def make_pdf(text: str = "OneWindow test") -> bytes:
    """A small valid one-page PDF, written by pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def documents() -> dict[str, bytes]:
    return {"营业执照.pdf": make_pdf("licence 91330127MA2XXXXX1"), "身份证 正面.jpg": make_jpeg(),
            "平面图.pdf": make_pdf("floor plan")}


@pytest.fixture
def seal(runtime, demo, documents):
    """Seals a dossier of the demo's 开办民宿 service and returns it (committed)."""
    def _seal(files: dict[str, bytes] | None = None, **overrides):
        files = files or documents
        with runtime.db.session() as session:
            service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
            specs = [SealFile(name=name, open=lambda data=data: io.BytesIO(data),
                              media_type="application/pdf" if name.endswith(".pdf") else "image/jpeg",
                              material_type="business_licence", material_type_name="营业执照", pages=1)
                     for name, data in files.items()]
            now = utcnow()
            request = SealRequest(title="王丽华开办民宿", service=service, files=specs,
                                  opened_at=now - timedelta(days=3), closed_at=now, sealed_by="clerk",
                                  applicant_name="王丽华", applicant_id_number="330127198805123426",
                                  events=[{"action": "submit"}, {"action": "accept"}, {"action": "complete"}])
            for key, value in overrides.items():
                setattr(request, key, value)
            dossier = seal_dossier(session, runtime, request)
            session.flush()
            return dossier
    return _seal


@pytest.fixture
def objects_root(settings) -> Path:
    return settings.data_dir / "objects"


CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def make_chinese_pdf(lines: list[str]) -> bytes:
    """A text-layer PDF in Chinese (reportlab with the Debian WenQuanYi font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", CJK_FONT))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("WQY", 14)
    y = 800
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 24
    pdf.showPage()
    pdf.save()
    return out.getvalue()
