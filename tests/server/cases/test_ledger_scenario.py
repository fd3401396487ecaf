"""Issue #13's scenario for the ledger, on the embedded defaults and on PostgreSQL + S3 + Elasticsearch:
卫健局 reads the ID card of A's dossier only with its own case B of the same person; the applicant's
ledger page shows that read; an out-of-scope officer's search shows no name or full number; changing one
ledger row in the database makes `onewindow archive verify` exit 1 naming it."""

from __future__ import annotations

import json

from ledger_support import ID_NUMBER, archived_case, cli, hygiene_case, sign_in
from sqlalchemy import select, text

from server.jobs import Worker
from server.models import AccessLog


def _id_card(api, dossier_id: str, user: str) -> dict:
    detail = api.json("GET", f"/archives/{dossier_id}", user)
    return next(f for f in detail["files"] if f["material_type"] == "id_card")


def test_an_officer_reads_another_departments_file_only_for_a_case_of_that_person(app, api, runtime, minsu_files):
    case_a, dossier_a = archived_case(api, minsu_files, ["wlj", "gaj"])
    Worker(runtime.db, runtime).run_until_idle()
    case_b = hygiene_case(api)
    someone_else = hygiene_case(api, "applicant2")

    # An out-of-scope officer's search: the dossier is found by the number, but shows no name or number.
    found = api.json("GET", f"/archives?q={ID_NUMBER}", "officer-wjj")
    assert [h["dossier_id"] for h in found["hits"]] == [dossier_a]
    shown = json.dumps(found["hits"], ensure_ascii=False)
    assert "王丽华" not in shown and ID_NUMBER not in shown and "王**" in shown
    detail = api.json("GET", f"/archives/{dossier_a}", "officer-wjj")
    assert detail["partial"] and detail["title"].startswith("王**")

    card = _id_card(api, dossier_a, "officer-wjj")
    url = f"/archives/{dossier_a}/files/{card['file_id']}?purpose=核验经营者身份"
    refused = api.json("GET", url, "officer-wjj", 403)
    assert refused["error"]["code"] == "read_not_authorised" and "application_id" in refused["error"]["message"]
    wrong_person = api.json("GET", f"{url}&application_id={someone_else}", "officer-wjj", 403)
    assert "不是此案卷的申请人" in wrong_person["error"]["message"]
    not_routed = api.json("GET", f"{url}&application_id={case_b}", "officer-xfjy", 403)
    assert "不是交办本部门的办件" in not_routed["error"]["message"]
    read = api.call("GET", f"{url}&application_id={case_b}", "officer-wjj", 200)
    assert read.data == minsu_files["applicant_id"][0]

    with runtime.db.session() as session:
        logged = session.scalars(select(AccessLog).where(AccessLog.file_id == card["file_id"])).all()
        assert [(r.username, r.application_id, r.purpose) for r in logged] == [
            ("officer-wjj", case_b, "核验经营者身份")
        ]
        entry_seq = logged[0].seq

    tracking_b = api.json("GET", f"/applications/{case_b}", "applicant")["tracking_number"]
    ledger = api.json("GET", "/me/access-ledger", "applicant")
    line = next(i for i in ledger["items"] if i["file_id"] == card["file_id"])
    assert (line["department_name"], line["role"], line["application_id"], line["tracking_number"]) == (
        "卫健局",
        "officer",
        case_b,
        tracking_b,
    )
    page = sign_in(app, "applicant", api.password).get("/my/access-ledger").get_data(as_text=True)
    entry = page.split(f'data-seq="{entry_seq}"')[1].split("</li>")[0]
    assert card["name"] in entry and "卫健局" in entry and "核验经营者身份" in entry and tracking_b in entry

    assert cli(runtime.settings, "archive", "verify").exit_code in (0, 3)
    with runtime.db.session() as session:
        session.execute(text("UPDATE access_log SET purpose = '例行检查' WHERE seq = :seq"), {"seq": entry_seq})
    result = cli(runtime.settings, "archive", "verify")
    assert result.exit_code == 1, result.output
    assert f"FAIL access ledger: entry {entry_seq} (id " in result.output and "changed" in result.output
