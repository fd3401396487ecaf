"""Helpers for the ledger scenario and the archive's authorisation matrix: an archived 开办民宿 case, a
公共场所卫生许可 case routed to 卫健局, a signed-in page client and the CLI's environment."""

from __future__ import annotations

import re

from case_support import Api, jpeg_bytes, pdf_bytes, routed_case
from click.testing import CliRunner

from server.cli import main

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ID_NUMBER = "330127198805123429"  # demo user applicant, 王丽华


def archived_case(api: Api, files: dict[str, tuple[bytes, str]], departments: list[str]) -> tuple[str, str]:
    """(case id, dossier id) of a 开办民宿 case of applicant, approved by 文旅局 and archived."""
    app_id = routed_case(api, files, departments)
    api.json(
        "PUT",
        f"/applications/{app_id}/results/民宿登记证",
        "officer-wlj",
        201,
        data=pdf_bytes("民宿登记证"),
        headers={"Content-Type": "application/pdf"},
    )
    for department in departments:
        api.json("POST", f"/applications/{app_id}/decision", f"officer-{department}", json={"outcome": "approved"})
    api.json("POST", f"/applications/{app_id}/complete", "clerk")
    return app_id, api.json("GET", f"/applications/{app_id}", "clerk")["dossier_id"]


def hygiene_case(api: Api, user: str = "applicant") -> str:
    """A 公共场所卫生许可 case of ``user``, accepted and routed to 卫健局."""
    app_id = api.json("POST", "/applications", user, 201, json={"service_code": "public-hygiene"})["id"]
    for slot, data, name in (
        ("commitment", pdf_bytes("公共场所卫生许可告知承诺书"), "承诺书.pdf"),
        ("business_licence", pdf_bytes("营业执照 青山村民宿有限公司"), "营业执照.pdf"),
        ("floor_plan", pdf_bytes("场所平面布局图"), "平面图.pdf"),
        ("health_certs", jpeg_bytes(), "健康证.jpg"),
    ):
        api.upload(app_id, slot, user, data, name)
    api.json("POST", f"/applications/{app_id}/submit", user)
    api.json("POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept"})
    api.json("POST", f"/applications/{app_id}/route", "clerk", json={"departments": ["wjj"]})
    return app_id


def sign_in(app, username: str, password: str):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def cli(settings, *args: str):
    env = {
        "ONEWINDOW_DATA_DIR": str(settings.data_dir),
        "ONEWINDOW_DATABASE_URL": settings.database_url,
        "ONEWINDOW_STORAGE_URL": settings.storage_url,
        "ONEWINDOW_INDEX_URL": settings.index_url,
        "ONEWINDOW_CLAMD_URL": settings.clamd_url,
    }
    return CliRunner().invoke(main, list(args), env=env)
