"""Corrections and versions: an archivist seals a corrected version with a reason (API, command line, page);
the new version keeps the 档号 and names the old one, the old one stays as it was and is no longer current,
and exports say which version is current."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from archive_samples import make_pdf
from click.testing import CliRunner
from sqlalchemy import select

from server.cli import main
from server.models import Dossier
from server.services.archive.corrections import Correction, correct
from server.services.archive.numbering import numbering_gaps

NS = "{urn:onewindow:da-t-46}"
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def token(client, demo, settings):
    def _token(username: str) -> dict[str, str]:
        response = client.post("/api/v1/auth/token", json={"username": username, "password": settings.demo_password})
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return _token


def _package_text(runtime, dossier_id: str, name: str) -> bytes:
    with runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        with runtime.store.open(f"{dossier.package_prefix}/{name}") as fh:
            return fh.read()


def test_an_archivist_corrects_a_dossier_over_the_api(client, token, runtime, seal):
    old = seal()
    with runtime.db.session() as session:
        old_files = [(f.id, f.name, f.sha256) for f in session.get(Dossier, old.id).files]
    dropped = next(fid for fid, name, _ in old_files if name == "平面图.pdf")
    body = {
        "reason": "题名录入有误，平面图误归档",
        "title": "王丽华开办民宿（青山村）",
        "secrecy": "internal",
        "secrecy_years": 10,
        "remove_files": [dropped],
    }
    response = client.post(f"/api/v1/archives/{old.id}/corrections", json=body, headers=token("archivist"))
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    new = answer["dossier"]
    assert new["archival_code"] == old.archival_code and new["version"] == 2 and new["replaces"] == old.id
    assert new["title"] == "王丽华开办民宿（青山村）"
    assert {f["name"] for f in new["files"]} == {name for _, name, _ in old_files} - {"平面图.pdf"}
    assert [(v["version"], v["current"]) for v in answer["versions"]] == [(1, False), (2, True)]
    assert answer["versions"][1]["reason"] == "题名录入有误，平面图误归档"

    with runtime.db.session() as session:
        versions = list(session.scalars(select(Dossier).where(Dossier.archival_code == old.archival_code)))
        assert sum(not d.superseded for d in versions) == 1, "one current version per 档号"
        stale = session.get(Dossier, old.id)
        assert stale.superseded and stale.title == "王丽华开办民宿" and stale.secrecy == "public"
        current = session.get(Dossier, new["dossier_id"])
        assert current.item_number == stale.item_number and numbering_gaps(session, current) == []
        kept = {f.name: f.sha256 for f in current.files}
        assert all(kept[name] == digest for _, name, digest in old_files if name in kept), "the same bytes"
    xml = ET.fromstring(_package_text(runtime, new["dossier_id"], "metadata/da-t-46.xml"))
    assert xml.findtext(f"{NS}版本") == "2" and xml.findtext(f"{NS}替代版本") == old.id
    assert xml.findtext(f"{NS}更正原因") == body["reason"]
    assert xml.findtext(f"{NS}密级") == "内部" and xml.findtext(f"{NS}保密期限") == "10"
    events = json.loads(_package_text(runtime, new["dossier_id"], "metadata/events.json"))
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    last = events[-1]
    assert last["action"] == "correct" and last["note"] == body["reason"] and last["data"]["replaces"] == old.id
    assert last["data"]["removed_files"] == [dropped]

    versions = client.get(f"/api/v1/archives/{old.id}/versions", headers=token("archivist")).get_json()
    assert [v["dossier_id"] for v in versions["versions"]] == [old.id, new["dossier_id"]]


def test_only_an_archivist_corrects_only_the_current_version_and_always_with_a_reason(client, token, seal):
    old = seal()
    url = f"/api/v1/archives/{old.id}/corrections"
    assert client.post(url, json={"reason": "x"}, headers=token("officer-wlj")).status_code == 403
    assert client.post(url, json={"reason": ""}, headers=token("archivist")).status_code == 400
    assert client.post(url, json={"reason": "x", "secrecy": "hush"}, headers=token("archivist")).status_code == 400
    unknown = client.post(url, json={"reason": "x", "remove_files": ["nope"]}, headers=token("archivist"))
    assert unknown.status_code == 400 and unknown.get_json()["error"]["details"]["unknown"] == ["nope"]
    first = client.post(url, json={"reason": "更正题名", "title": "新题名"}, headers=token("archivist"))
    assert first.status_code == 201
    again = client.post(url, json={"reason": "再次更正", "title": "又一题名"}, headers=token("archivist"))
    assert again.status_code == 400
    assert again.get_json()["error"]["details"]["current"] == first.get_json()["dossier"]["dossier_id"]


def test_exports_say_which_version_is_current(client, token, runtime, seal):
    old = seal()
    with runtime.db.session() as session:
        new = correct(session, runtime, "周文", old.id, Correction(reason="重新扫描", changes={"title": "更正题名"}))
        session.commit()
        new_id = new.id

    def versions_in_export(dossier_id: str) -> dict:
        response = client.get(f"/api/v1/archives/{dossier_id}/export", headers=token("archivist"))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
            [name] = [n for n in zf.namelist() if n.endswith("preservation/版本说明.json")]
            return json.loads(zf.read(name))

    stale = versions_in_export(old.id)
    assert (stale["this_version"], stale["current_version"], stale["is_current"]) == (1, 2, False)
    fresh = versions_in_export(new_id)
    assert (fresh["this_version"], fresh["current_version"], fresh["is_current"]) == (2, 2, True)
    assert [v["current"] for v in fresh["versions"]] == [False, True]


def test_the_command_line_corrects_with_an_added_file(runtime, seal, tmp_path):
    old = seal()
    rescanned = tmp_path / "营业执照（重新扫描）.pdf"
    rescanned.write_bytes(make_pdf("licence rescanned 91330127MA2XXXXX1"))
    env = {"ONEWINDOW_DATA_DIR": str(runtime.settings.data_dir), "ONEWINDOW_CLAMD_URL": runtime.settings.clamd_url}
    result = CliRunner().invoke(
        main,
        [
            "archive",
            "correct",
            old.id,
            "--reason",
            "营业执照扫描不清，补充重新扫描件",
            "--add",
            str(rescanned),
            "--actor",
            "周文",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    new_id = result.output.split("\t")[0]
    with runtime.db.session() as session:
        new = session.get(Dossier, new_id)
        assert new.version == 2 and new.replaces_id == old.id and new.sealed_by == "周文"
        added = new.files[-1]
        assert added.name == rescanned.name and added.material_type == "correction_supplement"
        assert added.pronom.startswith("fmt/")
    listed = CliRunner().invoke(main, ["archive", "versions", old.id], env=env)
    assert listed.exit_code == 0 and [v["current"] for v in json.loads(listed.output)] == [False, True]
    refused = CliRunner().invoke(main, ["archive", "correct", old.id, "--reason", "再改"], env=env)
    assert refused.exit_code == 1 and "只能更正最新版本" in refused.output


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


def test_an_archivist_corrects_on_the_dossier_page(sign_in, seal):
    old = seal()
    officer = sign_in("officer-wlj")
    assert 'id="correction-form"' not in officer.get(f"/archive/dossiers/{old.id}").get_data(as_text=True)
    archivist = sign_in("archivist")
    page = archivist.get(f"/archive/dossiers/{old.id}").get_data(as_text=True)
    csrf = CSRF.search(page).group(1)
    assert 'id="correction-form"' in page and "当前版本" in page
    refused = archivist.post(
        f"/archive/dossiers/{old.id}/corrections", data={"reason": " ", "csrf_token": csrf}, follow_redirects=True
    )
    assert "更正须说明原因" in refused.get_data(as_text=True)
    done = archivist.post(
        f"/archive/dossiers/{old.id}/corrections",
        data={"reason": "开放状态登记有误", "openness": "open", "title": "王丽华开办民宿", "csrf_token": csrf},
    )
    assert done.status_code == 303
    new_page = archivist.get(done.headers["Location"]).get_data(as_text=True)
    assert "已封存更正后的第 2 版" in new_page and "开放状态登记有误" in new_page
    old_page = archivist.get(f"/archive/dossiers/{old.id}").get_data(as_text=True)
    assert "已被更正" in old_page and 'id="correction-form"' not in old_page
