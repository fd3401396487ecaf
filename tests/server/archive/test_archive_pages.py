"""The archive pages (档案检索).

Scoped search with highlights and facets, the dossier page, reads that need a purpose.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from indexers import IndexUnavailable
from server.models import AccessLog, DossierFile

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def sign_in(app, settings, demo):
    def _sign_in(username: str):
        client = app.test_client()
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        response = client.post(
            "/login", data={"username": username, "password": settings.demo_password, "csrf_token": token}
        )
        assert response.status_code == 302
        return client

    return _sign_in


def test_officer_finds_the_dossier_with_highlights_and_facets(sign_in, archive):
    page = sign_in("officer-wlj").get("/archive?q=青山村").get_data(as_text=True)
    assert "共 1 件案卷" in page
    assert "<mark>青山村</mark>" in page
    assert "王丽华开办民宿" in page and "营业执照.pdf" in page and "平面图.pdf" in page
    assert f"/archive/dossiers/{archive.id}" in page
    assert 'class="facet-list"' in page and "开办民宿" in page


def test_other_departments_see_only_the_shared_file(sign_in, archive):
    client = sign_in("officer-wjj")
    page = client.get("/archive?q=青山村").get_data(as_text=True)
    assert "营业执照.pdf" in page and "平面图.pdf" not in page
    assert "共 0 件案卷" in client.get("/archive?q=平面布局图").get_data(as_text=True)
    dossier = client.get(f"/archive/dossiers/{archive.id}").get_data(as_text=True)
    assert "仅显示共享材料" in dossier and "营业执照.pdf" in dossier and "平面图.pdf" not in dossier
    assert "<dt>申请人</dt>" not in dossier
    assert "<dt>申请人</dt>" in sign_in("officer-gaj").get(f"/archive/dossiers/{archive.id}").get_data(as_text=True)


def test_reading_a_file_asks_why_and_is_logged(sign_in, runtime, archive):
    client = sign_in("officer-wlj")
    with runtime.db.session() as session:
        licence = session.scalar(
            select(DossierFile).where(DossierFile.dossier_id == archive.id, DossierFile.name == "营业执照.pdf")
        )
        file_id = licence.id
    url = f"/archive/dossiers/{archive.id}/files/{file_id}"
    refused = client.get(url)
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/archive/dossiers/{archive.id}")
    read = client.get(url + "?purpose=核验营业执照")
    assert read.status_code == 200 and read.data.startswith(b"%PDF")
    with runtime.db.session() as session:
        logged = session.scalars(select(AccessLog).where(AccessLog.dossier_id == archive.id)).all()
    assert [(log.purpose, log.file_id) for log in logged] == [("核验营业执照", file_id)]


def test_only_officers_and_archivists_may_search(sign_in, archive):
    assert sign_in("clerk").get("/archive").status_code == 403
    assert sign_in("archivist").get("/archive?q=平面布局图").status_code == 200
    assert "共 1 件案卷" in sign_in("archivist").get("/archive?q=平面布局图").get_data(as_text=True)


def test_bad_dates_and_a_failing_index_explain_themselves(sign_in, runtime, archive, monkeypatch):
    client = sign_in("officer-wlj")
    bad = client.get("/archive?from=yesterday")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    too_deep = client.get("/archive?q=青山村&page=501")
    assert too_deep.status_code == 400 and "请缩小检索范围" in too_deep.get_data(as_text=True)

    def down(query):
        raise IndexUnavailable("index unreachable")

    monkeypatch.setattr(runtime.index, "search", down)
    unavailable = client.get("/archive?q=青山村")
    assert unavailable.status_code == 503 and "全文检索暂不可用" in unavailable.get_data(as_text=True)


def test_the_dossier_page_says_why_a_file_has_no_text(sign_in, archive, runtime):
    with runtime.db.session() as session:
        files = {f.name: f for f in session.scalars(select(DossierFile).where(DossierFile.dossier_id == archive.id))}
        files["营业执照.pdf"].text_status, files["营业执照.pdf"].text_detail = "partial", "OCR not available"
        files["平面图.pdf"].text_status, files["平面图.pdf"].text_detail = "failed", "unreadable: PdfStreamError"
    page = sign_in("archivist").get(f"/archive/dossiers/{archive.id}").get_data(as_text=True)
    assert "部分页面未识别：未安装 OCR 文字识别" in page
    assert "无法提取正文：unreadable: PdfStreamError" in page
    english = sign_in("archivist").get(f"/archive/dossiers/{archive.id}?lang=en").get_data(as_text=True)
    assert "Some pages have no text: OCR is not installed" in english
