"""Helpers for intake-workflow tests: sample files and a JSON API client that logs in as demo users."""

from __future__ import annotations

import io
import json

from PIL import Image


def pdf_bytes(text: str = "OneWindow") -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 90, 160)).save(out, "JPEG")
    return out.getvalue()


class Api:
    """A test client that logs in as demo users and speaks JSON."""

    def __init__(self, client, password: str) -> None:
        self.client = client
        self.password = password
        self.tokens: dict[str, str] = {}

    def headers(self, user: str | None) -> dict[str, str]:
        if user is None:
            return {}
        if user not in self.tokens:
            response = self.client.post("/api/v1/auth/token", json={"username": user, "password": self.password})
            assert response.status_code == 201, response.get_json()
            self.tokens[user] = response.get_json()["token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def call(self, method: str, path: str, user: str | None, expect: int | None = None, **kwargs):
        response = self.client.open(
            f"/api/v1{path}", method=method, headers={**self.headers(user), **kwargs.pop("headers", {})}, **kwargs
        )
        if expect is not None:
            assert response.status_code == expect, (
                method,
                path,
                user,
                response.status_code,
                response.get_data(as_text=True)[:500],
            )
        return response

    def json(self, method: str, path: str, user: str | None, expect: int = 200, **kwargs):
        return self.call(method, path, user, expect, **kwargs).get_json()

    def upload(self, app_id: str, slot: str, user: str, data: bytes, name: str, expect: int = 201, raw: bool = False):
        if raw:
            return self.json(
                "PUT",
                f"/applications/{app_id}/materials/{slot}",
                user,
                expect,
                data=data,
                headers={"Content-Type": "application/octet-stream", "X-Filename": name},
            )
        return self.json(
            "PUT",
            f"/applications/{app_id}/materials/{slot}",
            user,
            expect,
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )


def routed_case(api: Api, files: dict[str, tuple[bytes, str]], departments: list[str], service: str = "minsu") -> str:
    """A case of demo user applicant with every file uploaded, accepted at the window and routed."""
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": service})["id"]
    for slot, (data, name) in files.items():
        api.upload(app_id, slot, "applicant", data, name)
    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    api.json("POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept"})
    api.json("POST", f"/applications/{app_id}/route", "clerk", json={"departments": departments})
    return app_id


MINSU_APPLICANT = {"name": "王丽华", "id_number": "330127198805123429", "phone": "13857101234"}


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)
