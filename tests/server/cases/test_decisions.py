"""Decisions on paper: the 不予许可决定书 with reasons and rights of appeal, joint cases decided part by part
and stated honestly (approved, approved in part, denied), and the delivery of the result (送达)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from case_support import pdf_bytes, routed_case
from pypdf import PdfReader
from sqlalchemy import select

from server.models import Application, DossierFile, utcnow
from server.services.cases.decisions import case_outcome
from server.timeutil import local
from server.vocabulary import PartStatus, Status

REVIEW_BODY = "临安区人民政府"
COURT = "临安区人民法院"


@pytest.fixture
def settings(settings):
    """The instance's bodies of appeal, as ONEWINDOW_REVIEW_BODY and ONEWINDOW_COURT set them."""
    return settings.with_overrides(review_body=REVIEW_BODY, court=COURT)


def _pdf_text(api, app_id: str, notice_id: str, user: str = "applicant") -> str:
    pdf = api.call("GET", f"/applications/{app_id}/notices/{notice_id}.pdf", user, 200)
    reader = PdfReader(io.BytesIO(pdf.data))
    assert reader.metadata.title == "不予许可决定书"
    # Lines are wrapped at the page's width: read the text as one string.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def _result(api, app_id: str, officer: str) -> None:
    api.json(
        "PUT",
        f"/applications/{app_id}/results/许可证",
        officer,
        201,
        data=pdf_bytes("许可证"),
        headers={"Content-Type": "application/pdf"},
    )


def _dossier_json(runtime, dossier_id: str) -> dict:
    from server.models import Dossier

    with runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        with runtime.store.open(f"{dossier.package_prefix}/metadata/dossier.json") as fh:
            return json.loads(fh.read())


def test_a_denial_without_reasons_is_refused(api, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj"])
    for note in ("", "   "):
        body = {"outcome": "denied", "note": note}
        refused = api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", 400, json=body)
        assert refused["error"]["details"]["field"] == "note", note
    detail = api.json("GET", f"/applications/{app_id}", "clerk")
    assert detail["status"] == "in_progress" and detail["parts"][0]["status"] == "pending"
    assert not [n for n in detail["notices"] if n["kind"] == "denial"]


def test_a_denial_is_a_written_decision_with_reasons_basis_and_rights(api, runtime, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj"])
    reasons = "经现场核查，经营场所消防通道被占用，不符合开办民宿的消防安全条件"
    decided = api.json(
        "POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "denied", "note": reasons}
    )
    assert (decided["status"], decided["outcome"], decided["outcome_label"]) == ("denied", "denied", "不予许可")
    [denial] = [n for n in decided["notices"] if n["kind"] == "denial"]
    assert denial["number"].startswith("BX-")
    assert denial["details"]["review_body"] == REVIEW_BODY and denial["details"]["court"] == COURT
    text = _pdf_text(api, app_id, denial["id"])
    assert "决定不予许可" in text and f"理由：{reasons}" in text
    assert "依据：《旅馆业治安管理办法》第四条" in text, "the service guide's legal basis"
    assert f"六十日内向{REVIEW_BODY}申请行政复议" in text
    assert f"六个月内向{COURT}提起行政诉讼" in text
    assert decided["tracking_number"] in text

    done = api.json("POST", f"/applications/{app_id}/complete", "clerk")
    assert done["status"] == "archived", "a denial is completed without result documents"
    with runtime.db.session() as session:
        filed = session.scalars(select(DossierFile).where(DossierFile.dossier_id == done["dossier_id"])).all()
        assert {(f.name, f.material_type_name) for f in filed} >= {(f"{denial['number']}.pdf", "不予许可决定书")}
        assert next(f for f in filed if f.material_type == "notice_denial").material_class == "procedure"


def test_a_changed_configuration_does_not_rewrite_an_issued_decision(api, app, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj"])
    decided = api.json(
        "POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "denied", "note": "不符合条件"}
    )
    runtime = app.extensions["onewindow"]
    runtime.settings = runtime.settings.with_overrides(review_body="另一个人民政府", court="另一个人民法院")
    [denial] = [n for n in decided["notices"] if n["kind"] == "denial"]
    text = _pdf_text(api, app_id, denial["id"])
    assert REVIEW_BODY in text and "另一个" not in text


def test_one_departments_denial_leaves_the_others_approvals_standing(api, runtime, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj", "gaj", "xfjy"])
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved", "note": "符合"})
    api.json(
        "POST",
        f"/applications/{app_id}/decision",
        "officer-xfjy",
        json={"outcome": "denied", "note": "疏散通道宽度不足一点一米"},
    )
    _result(api, app_id, "officer-gaj")
    decided = api.json(
        "POST", f"/applications/{app_id}/decision", "officer-gaj", json={"outcome": "approved", "note": "同意"}
    )
    assert (decided["status"], decided["outcome"], decided["outcome_label"]) == (
        "partly_approved",
        "partly_approved",
        "部分准予",
    )
    parts = {p["department"]: p for p in decided["parts"]}
    assert {code: p["status"] for code, p in parts.items()} == {"wlj": "approved", "gaj": "approved", "xfjy": "denied"}
    assert parts["xfjy"]["note"] == "疏散通道宽度不足一点一米" and parts["xfjy"]["decided_by"]
    assert parts["wlj"]["status_label"] == "准予" and parts["wlj"]["decided_at"]
    decide = next(e for e in decided["events"] if e["action"] == "decide")
    assert decide["after"] == "partly_approved" and decide["data"]["parts"]["xfjy"] == "denied"

    [denial] = [n for n in decided["notices"] if n["kind"] == "denial"]
    assert [i["department"] for i in denial["items"]] == ["xfjy"]
    text = _pdf_text(api, app_id, denial["id"])
    assert "部分准予许可" in text and "文旅局" in text and "公安局" in text
    assert "1. 消防救援大队：疏散通道宽度不足一点一米" in text
    assert "行政复议" in text and "行政诉讼" in text

    for user in ("clerk", "officer-wlj", "applicant"):
        assert api.json("GET", f"/applications/{app_id}", user)["parts"] == decided["parts"]
    done = api.json("POST", f"/applications/{app_id}/complete", "clerk")
    meta = _dossier_json(runtime, done["dossier_id"])
    assert meta["outcome"] == "partly_approved"
    assert {p["department"]: (p["status"], p["note"]) for p in meta["parts"]} == {
        "wlj": ("approved", "符合"),
        "gaj": ("approved", "同意"),
        "xfjy": ("denied", "疏散通道宽度不足一点一米"),
    }


def test_a_partly_approved_case_needs_the_approved_parts_results_to_complete(api, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj", "xfjy"])
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved"})
    api.json("POST", f"/applications/{app_id}/decision", "officer-xfjy", json={"outcome": "denied", "note": "不合格"})
    api.json("POST", f"/applications/{app_id}/complete", "clerk", 409)
    _result(api, app_id, "officer-wlj")
    assert api.json("POST", f"/applications/{app_id}/complete", "clerk")["status"] == "archived"


def test_every_part_denied_is_a_denial_naming_each_department(api, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj", "gaj"])
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "denied", "note": "房屋不符"})
    decided = api.json(
        "POST", f"/applications/{app_id}/decision", "officer-gaj", json={"outcome": "denied", "note": "治安制度缺失"}
    )
    assert decided["status"] == "denied"
    [denial] = [n for n in decided["notices"] if n["kind"] == "denial"]
    text = _pdf_text(api, app_id, denial["id"])
    assert "各承办部门的理由如下" in text
    assert "文旅局：房屋不符" in text and "公安局：治安制度缺失" in text and "2. " in text


def test_approval_everywhere_issues_no_denial(api, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj", "gaj"])
    for officer in ("officer-wlj", "officer-gaj"):
        decided = api.json("POST", f"/applications/{app_id}/decision", officer, json={"outcome": "approved"})
    assert decided["status"] == "approved" and not [n for n in decided["notices"] if n["kind"] == "denial"]


def test_the_case_outcome_follows_its_parts():
    class Part:
        def __init__(self, status):
            self.status = status

    a, d = PartStatus.APPROVED, PartStatus.DENIED
    assert case_outcome([Part(a)]) == Status.APPROVED
    assert case_outcome([Part(a), Part(a)]) == Status.APPROVED
    assert case_outcome([Part(d), Part(d)]) == Status.DENIED
    assert case_outcome([Part(a), Part(d)]) == Status.PARTLY_APPROVED


# --- 送达


def _decided_case(api, minsu_files) -> str:
    app_id = routed_case(api, minsu_files, ["wlj"])
    _result(api, app_id, "officer-wlj")
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved"})
    return app_id


def test_the_delivery_is_recorded_once_and_filed_in_the_dossier(api, runtime, minsu_files):
    app_id = _decided_case(api, minsu_files)
    today = local(utcnow()).date()
    assert "deliver" in api.json("GET", f"/applications/{app_id}", "clerk")["allowed_actions"]
    delivered = api.json(
        "POST",
        f"/applications/{app_id}/delivery",
        "clerk",
        json={"method": "post", "date": today.isoformat(), "note": "EMS 1234567890"},
    )
    assert delivered["delivery"] == {
        "method": "post",
        "method_label": "邮寄送达",
        "date": today.isoformat(),
        "note": "EMS 1234567890",
        "delivered_by": "李晓燕（综合窗口）",
    }
    event = delivered["events"][-1]
    assert (event["action"], event["data"]) == ("deliver", {"method": "post", "date": today.isoformat()})
    assert "deliver" not in delivered["allowed_actions"]
    again = {"method": "window", "date": today.isoformat()}
    api.json("POST", f"/applications/{app_id}/delivery", "officer-wlj", 409, json=again)

    done = api.json("POST", f"/applications/{app_id}/complete", "clerk")
    assert done["delivery"]["method"] == "post"
    meta = _dossier_json(runtime, done["dossier_id"])
    assert meta["delivery"]["method"] == "post" and meta["delivery"]["date"] == today.isoformat()
    api.json("POST", f"/applications/{app_id}/delivery", "clerk", 409, json=again)


def test_the_delivery_date_is_neither_in_the_future_nor_before_the_decision(api, runtime, minsu_files):
    app_id = _decided_case(api, minsu_files)
    today = local(utcnow()).date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    future = api.json(
        "POST", f"/applications/{app_id}/delivery", "clerk", 400, json={"method": "window", "date": tomorrow}
    )
    assert future["error"]["details"]["field"] == "date"
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        app.decided_at = utcnow() - timedelta(days=3)
        decided_day = local(app.decided_at).date()
    before = (decided_day - timedelta(days=1)).isoformat()
    early = api.json(
        "POST", f"/applications/{app_id}/delivery", "clerk", 400, json={"method": "window", "date": before}
    )
    assert early["error"]["details"]["decided"] == decided_day.isoformat()
    api.json("POST", f"/applications/{app_id}/delivery", "clerk", 400, json={"method": "pigeon", "date": before})
    api.json("POST", f"/applications/{app_id}/delivery", "clerk", 400, json={"method": "window", "date": "明天"})
    on_the_day = api.json(
        "POST",
        f"/applications/{app_id}/delivery",
        "officer-wlj",
        json={"method": "electronic", "date": str(decided_day)},
    )
    assert on_the_day["delivery"]["method_label"] == "电子送达"


def test_only_staff_of_the_case_record_a_delivery_and_only_once_decided(api, minsu_files):
    app_id = routed_case(api, minsu_files, ["wlj"])
    today = local(utcnow()).date().isoformat()
    body = {"method": "window", "date": today}
    api.json("POST", f"/applications/{app_id}/delivery", "clerk", 409, json=body)  # not decided yet
    _result(api, app_id, "officer-wlj")
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved"})
    api.json("POST", f"/applications/{app_id}/delivery", "applicant", 403, json=body)
    api.json("POST", f"/applications/{app_id}/delivery", "supervisor", 403, json=body)
    api.json("POST", f"/applications/{app_id}/delivery", "officer-gaj", 404, json=body)
