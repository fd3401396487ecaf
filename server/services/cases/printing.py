"""A4 documents kept for the long term (notices, the application form, records filed in the dossier).

A PDF in the archive must render the same in 30 years on a machine that has none of our fonts, so the
CJK font is embedded (reportlab subsets it to the glyphs used) rather than named: reportlab's built-in
STSong-Light is a font *name* every reader has to supply. The document then carries what PDF/A-2b asks
for beyond that: an sRGB output intent and XMP metadata agreeing with the document information.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

log = logging.getLogger(__name__)

EMBEDDED_FONT = "WenQuanYiZenHei"
# TrueType outlines (reportlab embeds no CFF): WenQuanYi Zen Hei (Debian fonts-wqy-zenhei, installed by
# scripts/test and the Dockerfile), else AR PL UMing (fonts-arphic-uming).
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
# Only when no font file is installed: readable, but not embedded (a warning says so).
FALLBACK_FONT = "STSong-Light"
PRODUCER = "OneWindow (ReportLab, pypdf)"


@cache
def font_name() -> str:
    for path in FONT_FILES:
        if path.is_file():
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(path), subfontIndex=0))
            return EMBEDDED_FONT
    log.warning("no CJK TrueType font in %s: PDFs name %s without embedding it", FONT_FILES, FALLBACK_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def wrap(text: str, width: int) -> list[str]:
    lines = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


def render(title: str, lines: list[str], *, created: datetime | None = None) -> bytes:
    """A titled A4 document of ``lines``, wrapped and paged, as PDF/A-2b; the same input gives the same bytes."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setProducer(PRODUCER)
    font = font_name()
    width, height = A4
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 90, title)
    pdf.setFont(font, 12)
    y = height - 140
    for line in lines:
        for part in wrap(line, 38):
            if y < 60:
                pdf.showPage()
                pdf.setFont(font, 12)
                y = height - 60
            pdf.drawString(70, y, part)
            y -= 22
    pdf.showPage()
    pdf.save()
    return archival(out.getvalue(), title, created or datetime(2000, 1, 1, tzinfo=UTC))


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


@cache
def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _xmp(title: str, when: str) -> bytes:
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
<xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>
<pdf:Producer>{PRODUCER}</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def archival(data: bytes, title: str, created: datetime) -> bytes:
    """Adds the output intent and the XMP metadata PDF/A-2b needs; the information dictionary says the same."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    profile = DecodedStreamObject()
    profile.set_data(_srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    stamp = created.astimezone(UTC)
    writer.add_metadata(
        {
            "/Title": title,
            "/Producer": PRODUCER,
            "/Creator": PRODUCER,
            "/CreationDate": stamp.strftime("D:%Y%m%d%H%M%S+00'00'"),
            "/ModDate": stamp.strftime("D:%Y%m%d%H%M%S+00'00'"),
        }
    )
    metadata = DecodedStreamObject()
    metadata.set_data(_xmp(title, stamp.strftime("%Y-%m-%dT%H:%M:%S+00:00")))
    metadata[NameObject("/Type")] = NameObject("/Metadata")
    metadata[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
