"""One vocabulary: a notice has one title wherever it is read, and the status rules follow the transition table."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from server.models import DossierFile
from server.services.cases import policy
from server.vocabulary import (
    TRANSITIONS,
    EventAction,
    FiledType,
    NoticeKind,
    Status,
    sources,
)


def test_the_correction_notice_keeps_its_one_title_from_the_pdf_to_the_archive(api, runtime, minsu_files):
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    for slot, (data, name) in minsu_files.items():
        api.upload(app_id, slot, "applicant", data, name)
    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    api.json(
        "POST",
        f"/applications/{app_id}/review",
        "clerk",
        json={"decision": "correct", "verdicts": [{"slot": "floor_plan", "ok": False, "reason": "未标明安全出口"}]},
    )
    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    rejected = api.json(
        "POST", f"/applications/{app_id}/review", "clerk", json={"decision": "reject", "note": "不符合条件"}
    )
    assert rejected["status"] == "rejected" and rejected["dossier_id"]
    assert [n["number"][:3] for n in rejected["notices"]] == ["BZ-", "BY-"]
    assert [e["action"] for e in rejected["events"] if e["before"] != e["after"]] == [
        "create",
        "submit",
        "request_correction",
        "resubmit",
        "reject",
    ]
    with runtime.db.session() as session:
        filed = {
            f.material_type: (f.material_type_name, f.material_class)
            for f in session.scalars(select(DossierFile).where(DossierFile.dossier_id == rejected["dossier_id"]))
        }
    assert filed["notice_correction"] == ("补正材料一次性告知书", "procedure")
    assert filed["notice_rejection"] == ("不予受理通知书", "procedure")
    correction = rejected["notices"][0]
    pdf = api.call("GET", f"/applications/{app_id}/notices/{correction['id']}.pdf", "applicant", 200)
    assert PdfReader(io.BytesIO(pdf.data)).metadata.title == "补正材料一次性告知书"


def test_names_keep_their_stored_strings():
    assert [s.value for s in Status] == [
        "draft",
        "submitted",
        "needs_correction",
        "accepted",
        "accepted_with_gap",
        "in_progress",
        "approved",
        "partly_approved",
        "denied",
        "completed",
        "archived",
        "rejected",
        "withdrawn",
        "terminated",
    ]
    assert {k.value: (k.prefix, k.filed_type.value) for k in NoticeKind} == {
        "correction": ("BZ", "notice_correction"),
        "acceptance": ("SL", "notice_acceptance"),
        "gap": ("RQ", "notice_gap"),
        "rejection": ("BY", "notice_rejection"),
        "termination": ("ZZ", "notice_termination"),
        "suspension": ("TB", "notice_suspension"),
        "denial": ("BX", "notice_denial"),
    }
    assert {f.value for f in FiledType} >= {"result", "legacy_record"}


def test_the_status_rules_of_transitions_come_from_the_table():
    assert policy.EDITABLE == (Status.DRAFT, Status.NEEDS_CORRECTION)
    assert policy.BEFORE_ACCEPTANCE == (Status.DRAFT, Status.SUBMITTED, Status.NEEDS_CORRECTION)
    assert policy.REVIEWABLE == (Status.SUBMITTED,)
    assert policy.ROUTABLE == (Status.ACCEPTED, Status.ACCEPTED_WITH_GAP)
    assert policy.COMPLETABLE == (Status.APPROVED, Status.PARTLY_APPROVED, Status.DENIED)
    assert sources(EventAction.ARCHIVE) == (Status.COMPLETED,)
    reachable = {Status.DRAFT} | {after for _before, _action, after in TRANSITIONS}
    assert reachable == set(Status), "every status is reached by some transition"
