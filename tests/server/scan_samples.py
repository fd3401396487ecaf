"""Files for the virus-scanning tests, made at test time.

MALWARE_MARKER equals MALWARE_MARKER in scripts/services, which gives the test
clamd a body signature for it (OneWindow.Test.Marker); the scanning tests fail
if the two drift apart. EICAR is the standard anti-virus test file, assembled
from two halves so that this source file is not flagged itself.
"""

from __future__ import annotations

import io

from PIL import Image

MALWARE_MARKER = b"ONEWINDOW-TEST-MALWARE-MARKER-5f3a"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def make_pdf(text: str = "OneWindow scanning test") -> bytes:
    """A valid one-page PDF whose page content holds ``text`` as it is (no stream compression)."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pageCompression=0, invariant=1)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def make_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (96, 64), (40, 120, 60)).save(out, "JPEG")
    return out.getvalue()
