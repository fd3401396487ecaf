"""The archive API: scoped search, logged reads with ranges, export, the applicant's access ledger."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from server.models import AccessLog


@pytest.fixture
def token(client, demo):
    def _token(username: str) -> dict[str, str]:
        response = client.post("/api/v1/auth/token", json={"username": username, "password": "demo-pass"})
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return _token


def test_search_scope_by_role(client, token, archive):
    as_archivist = client.get("/api/v1/archives?q=青山村", headers=token("archivist")).get_json()
    assert as_archivist["total"] == 1
    assert {f["name"] for f in as_archivist["hits"][0]["files"]} == {"营业执照.pdf", "平面图.pdf"}

    owner = client.get("/api/v1/archives?q=青山村", headers=token("officer-wlj")).get_json()
    routed = client.get("/api/v1/archives?q=青山村", headers=token("officer-gaj")).get_json()
    assert owner["total"] == routed["total"] == 1

    other = client.get("/api/v1/archives?q=青山村", headers=token("officer-wjj")).get_json()
    assert other["total"] == 1, "the shared business licence is visible to other departments"
    assert [f["name"] for f in other["hits"][0]["files"]] == ["营业执照.pdf"]
    assert client.get("/api/v1/archives?q=平面布局图", headers=token("officer-wjj")).get_json()["total"] == 0

    assert client.get("/api/v1/archives?q=青山村", headers=token("applicant")).status_code == 403
    assert client.get("/api/v1/archives?q=青山村").status_code == 401
    bad = client.get("/api/v1/archives?from=yesterday", headers=token("archivist"))
    assert bad.status_code == 400 and bad.get_json()["error"]["details"]["parameter"] == "from"
    deep = client.get("/api/v1/archives?page=101&per_page=100", headers=token("archivist"))
    assert deep.status_code == 400 and deep.get_json()["error"]["details"] == {"page": 101, "per_page": 100}


def test_a_material_type_no_longer_shared_stops_other_departments_finding_it(client, token, runtime, archive):
    from server.models import MaterialType

    assert client.get("/api/v1/archives?q=青山村", headers=token("officer-wjj")).get_json()["total"] == 1
    with runtime.db.session() as session:
        session.scalars(select(MaterialType).where(MaterialType.code == "business_licence")).one().shared = False
        session.commit()
    assert client.get("/api/v1/archives?q=青山村", headers=token("officer-wjj")).get_json()["total"] == 0
    assert (
        client.get("/api/v1/archives?q=青山村", headers=token("officer-gaj")).get_json()["total"] == 1
    )  # routed: whole


def test_reading_a_file_needs_a_purpose_is_logged_and_supports_ranges(client, token, runtime, archive):
    headers = token("officer-wjj")
    detail = client.get(f"/api/v1/archives/{archive.id}", headers=headers).get_json()
    assert detail["partial"] and "applicant" not in detail and "events" not in detail
    [licence] = detail["files"]
    url = f"/api/v1/archives/{archive.id}/files/{licence['file_id']}"

    assert client.get(url, headers=headers).status_code == 400
    refused = client.get(url + "?purpose=公共场所卫生许可核验营业执照", headers=headers)
    assert refused.status_code == 403 and "application_id" in refused.get_json()["error"]["message"]
    asked = client.post(
        f"/api/v1/archives/{archive.id}/access-requests", json={"purpose": "核验营业执照"}, headers=headers
    )
    assert asked.status_code == 201, asked.get_json()
    approve = f"/api/v1/me/access-requests/{asked.get_json()['id']}/approve"
    assert client.post(approve, headers=token("applicant")).get_json()["status"] == "approved"
    whole = client.get(url + "?purpose=公共场所卫生许可核验营业执照", headers=headers)
    assert whole.status_code == 200 and whole.data.startswith(b"%PDF")
    assert len(whole.data) == licence["size"]
    part = client.get(url + "?purpose=续传", headers={**headers, "Range": "bytes=5-14"})
    assert part.status_code == 206 and part.data == whole.data[5:15]
    assert part.headers["Content-Range"] == f"bytes 5-14/{licence['size']}"
    assert client.get(url + "?purpose=x", headers={**headers, "Range": f"bytes={licence['size']}-"}).status_code == 416

    private = next(
        f
        for f in client.get(f"/api/v1/archives/{archive.id}", headers=token("archivist")).get_json()["files"]
        if f["name"] == "平面图.pdf"
    )
    assert (
        client.get(f"/api/v1/archives/{archive.id}/files/{private['file_id']}?purpose=x", headers=headers).status_code
        == 404
    )

    with runtime.db.session() as session:
        rows = session.scalars(select(AccessLog).order_by(AccessLog.seq)).all()
        assert [(r.username, r.department_code, r.purpose) for r in rows] == [
            ("officer-wjj", "wjj", "公共场所卫生许可核验营业执照"),
            ("officer-wjj", "wjj", "续传"),
            ("officer-wjj", "wjj", "x"),
        ]

    ledger = client.get("/api/v1/me/access-ledger", headers=token("applicant")).get_json()
    assert ledger["total"] == 3
    assert ledger["items"][-1]["purpose"] == "公共场所卫生许可核验营业执照"
    assert ledger["items"][0]["department"] == "wjj" and ledger["items"][0]["role"] == "officer"
    assert client.get("/api/v1/me/access-ledger", headers=token("applicant2")).get_json()["total"] == 0
    assert client.get("/api/v1/me/access-ledger", headers=token("clerk")).status_code == 403


def test_out_of_scope_dossier_is_not_disclosed(client, token, archive, runtime):
    with runtime.db.session() as session:
        from server.models import DossierFile

        for file in session.scalars(select(DossierFile)):
            file.shared = False
    response = client.get(f"/api/v1/archives/{archive.id}", headers=token("officer-wjj"))
    assert response.status_code == 404
    assert client.get("/api/v1/archives/nope", headers=token("officer-wjj")).status_code == 404
    own = client.get(f"/api/v1/archives/{archive.id}", headers=token("applicant")).get_json()
    assert own["applicant"]["name"] == "王丽华" and len(own["events"]) >= 1


def test_export_is_for_archivists(client, token, archive):
    assert client.get(f"/api/v1/archives/{archive.id}/export", headers=token("officer-wlj")).status_code == 403
    response = client.get(f"/api/v1/archives/{archive.id}/export", headers=token("archivist"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert any(n.endswith("/bagit.txt") for n in names)
    assert any(n.endswith("/manifest-sha512.txt") for n in names)
