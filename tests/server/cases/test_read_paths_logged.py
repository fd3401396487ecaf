"""Every way of reading someone's files writes an access-ledger entry: a case material (API and page), its
page preview, a notice, a result, an archived file, an export (API and CLI) and each archive search (with
its query and number of hits)."""

from __future__ import annotations

from ledger_support import archived_case, cli, sign_in
from sqlalchemy import select

from server.jobs import Worker
from server.models import AccessLog


def _entries(runtime) -> list[AccessLog]:
    with runtime.db.session() as session:
        return list(session.scalars(select(AccessLog).order_by(AccessLog.seq)))


def test_every_read_path_is_logged(app, api, runtime, minsu_files, tmp_path):
    case_id, dossier_id = archived_case(api, minsu_files, ["wlj"])
    Worker(runtime.db, runtime).run_until_idle()
    detail = api.json("GET", f"/applications/{case_id}", "clerk")
    material, notice, result = detail["materials"][0], detail["notices"][0], detail["results"][0]
    seen = len(_entries(runtime))

    api.call("GET", f"/applications/{case_id}/files/{material['file_id']}", "clerk", 200)
    api.call("GET", f"/applications/{case_id}/notices/{notice['id']}.pdf", "clerk", 200)
    api.call("GET", f"/applications/{case_id}/results/{result['id']}", "officer-wlj", 200)
    page = sign_in(app, "clerk", api.password)
    assert page.get(f"/cases/{case_id}/materials/{material['file_id']}").status_code == 200
    assert page.get(f"/cases/{case_id}/materials/{material['file_id']}/pages/1-320.webp").status_code == 200
    assert page.get(f"/cases/{case_id}/results/{result['id']}").status_code == 200
    file_id = api.json("GET", f"/archives/{dossier_id}", "archivist")["files"][0]["file_id"]
    api.call("GET", f"/archives/{dossier_id}/files/{file_id}?purpose=抽查", "archivist", 200)
    api.call("GET", f"/archives/{dossier_id}/export?purpose=移交", "archivist", 200)
    assert cli(runtime.settings, "archive", "export", dossier_id, str(tmp_path / "out.zip")).exit_code == 0
    found = api.json("GET", "/archives?q=青山村", "officer-wlj")["total"]
    searcher = sign_in(app, "officer-wlj", api.password)
    assert searcher.get("/archive?q=民宿平面布局图").status_code == 200

    logged = [(e.username, e.action, e.file_id, e.application_id) for e in _entries(runtime)[seen:]]
    assert logged[:6] == [
        ("clerk", "read", material["file_id"], case_id),
        ("clerk", "read", notice["id"], case_id),
        ("officer-wlj", "read", result["id"], case_id),
        ("clerk", "read", material["file_id"], case_id),
        ("clerk", "preview", material["file_id"], case_id),
        ("clerk", "read", result["id"], case_id),
    ]
    assert logged[6:9] == [
        ("archivist", "read", file_id, None),
        ("archivist", "export", None, None),
        ("cli", "export", None, None),
    ]
    searches = _entries(runtime)[seen + 9 :]
    assert [(e.username, e.action, e.detail["query"], e.detail["hits"]) for e in searches] == [
        ("officer-wlj", "search", {"q": "青山村"}, found),
        ("officer-wlj", "search", {"q": "民宿平面布局图"}, 1),
    ]
    ledger = api.json("GET", "/me/access-ledger", "applicant")["items"]
    assert {i["action"] for i in ledger} >= {"read", "preview", "export"}, "the applicant sees them all"
