"""Sample archive documents made at test time."""

from __future__ import annotations

import io

from PIL import Image


def make_pdf(text: str = "OneWindow test") -> bytes:
    """A small valid one-page PDF, written by pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
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
