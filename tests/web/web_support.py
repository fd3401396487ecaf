"""Helpers for page tests: sign in through the login form, read the CSRF token from the page, sample files."""

from __future__ import annotations

import io
import random
import re

from PIL import Image

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def pdf_bytes(text: str = "OneWindow", pages: int = 1) -> bytes:
    """A document-like PDF: a framed page with ``text`` as a large title and a red seal, so previews show something."""
    from reportlab.lib.colors import Color
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title, _, rest = text.partition(" ")
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    for page in range(1, pages + 1):
        pdf.setLineWidth(3)
        pdf.rect(48, 60, 500, 720)
        pdf.setFont("STSong-Light", 34)
        pdf.drawCentredString(298, 690, title)
        pdf.setFont("STSong-Light", 16)
        for i, line in enumerate([rest, f"第 {page} 页 共 {pages} 页"] if rest else [f"第 {page} 页 共 {pages} 页"]):
            pdf.drawString(90, 620 - 30 * i, line)
        for y in range(540, 260, -28):
            pdf.line(90, y, 500, y)
        pdf.setStrokeColor(Color(0.8, 0.1, 0.1))
        pdf.circle(420, 170, 55)
        pdf.setStrokeColor(Color(0, 0, 0))
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (240, 160), noise: bool = False, seed: int = 7) -> bytes:
    """A JPEG; with ``noise`` it does not compress, so a small picture makes a multi-chunk upload."""
    if noise:
        rng = random.Random(seed)
        img = Image.frombytes("RGB", size, bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * 3)))
    else:
        img = Image.new("RGB", size, (30, 90, 160))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95)
    return out.getvalue()


class Web:
    """One test client per signed-in user, like one browser each."""

    def __init__(self, app, password: str) -> None:
        self.app = app
        self.password = password
        self.clients: dict[str | None, object] = {}

    def client(self, user: str | None):
        if user not in self.clients:
            client = self.app.test_client()
            if user is not None:
                token = self.csrf_from(client.get("/login"))
                response = client.post(
                    "/login", data={"username": user, "password": self.password, "csrf_token": token}
                )
                assert response.status_code == 302, response.get_data(as_text=True)[:300]
            self.clients[user] = client
        return self.clients[user]

    @staticmethod
    def csrf_from(response) -> str:
        match = CSRF.search(response.get_data(as_text=True))
        assert match, "the page carries no CSRF token"
        return match.group(1)

    def token(self, user: str | None) -> str:
        return self.csrf_from(self.client(user).get("/"))

    def get(self, user: str | None, path: str, expect: int | None = 200, **kwargs):
        response = self.client(user).get(path, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (path, response.status_code, response.get_data(as_text=True)[:800])
        return response

    def page(self, user: str | None, path: str, expect: int = 200) -> str:
        return self.get(user, path, expect).get_data(as_text=True)

    def post(self, user: str | None, path: str, data: dict | None = None, expect: int | None = 303, **kwargs):
        data = {**(data or {}), "csrf_token": self.token(user)}
        response = self.client(user).post(path, data=data, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (path, response.status_code, response.get_data(as_text=True)[:1500])
        return response

    def xhr(self, user: str, method: str, path: str, expect: int | None = None, **kwargs):
        headers = {"X-CSRFToken": self.token(user), "Accept": "application/json", **kwargs.pop("headers", {})}
        response = self.client(user).open(path, method=method, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                method,
                path,
                response.status_code,
                response.get_data(as_text=True)[:800],
            )
        return response

    def upload(self, user: str, app_id: str, slot: str, data: bytes, name: str, chunk: int = 256 * 1024) -> dict:
        """The same steps upload.js takes: start, then chunks at the server's offset."""
        started = self.xhr(
            user, "POST", f"/cases/{app_id}/uploads", 201, json={"slot": slot, "filename": name, "size": len(data)}
        ).get_json()
        offset = 0
        while True:
            response = self.xhr(
                user,
                "PATCH",
                f"/uploads/{started['upload_id']}",
                data=data[offset : offset + chunk],
                headers={"Upload-Offset": str(offset), "Content-Type": "application/octet-stream"},
            )
            body = response.get_json()
            if response.status_code == 201:
                return body
            assert response.status_code == 200, body
            offset = body["offset"]


def _upload_raw(self, user: str, app_id: str, slot: str, data: bytes, name: str):
    """One-shot resumable upload that returns the last response, for refusals."""
    started = self.xhr(
        user, "POST", f"/cases/{app_id}/uploads", 201, json={"slot": slot, "filename": name, "size": len(data)}
    ).get_json()
    return self.xhr(
        user,
        "PATCH",
        f"/uploads/{started['upload_id']}",
        data=data,
        headers={"Upload-Offset": "0", "Content-Type": "application/octet-stream"},
    )


Web.upload_raw = _upload_raw
