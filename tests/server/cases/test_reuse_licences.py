"""E-licences (电子证照): issued in one case, archived as 结果性, offered at level ``issued`` in the holder's next
case while valid, reused with the holder's consent, revoked only by the issuing department."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import time_machine
from case_support import pdf_bytes
from reuse_support import draft, fill, licence_case, offers
from sqlalchemy import select

from server.models import Dossier, DossierEvent, DossierFile, Licence, Notification, ReuseConsent, User, utcnow
from server.timeutil import LOCAL_TZ, local


def _today() -> date:
    return local(utcnow()).date()


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), LOCAL_TZ)


def test_a_licence_issued_in_case_a_is_offered_in_case_b_at_level_issued_and_reused_with_consent(api, runtime):
    until = (_today() + timedelta(days=3650)).isoformat()
    case_a = licence_case(api, "92330127MA2H3K4L5P", until)
    [licence] = api.json("GET", "/me/licences", "applicant")["items"]
    assert (licence["number"], licence["state"], licence["valid_until"]) == ("92330127MA2H3K4L5P", "valid", until)
    assert (
        licence["department"] == "scjg" and licence["archival_code"] and licence["dossier_id"] == case_a["dossier_id"]
    )

    case_b = draft(api, "food-grocery")
    [offer] = offers(api, case_b)["business_licence"]
    assert offer["level"] == "issued" and offer["file_id"] == licence["file_id"]
    assert offer["licence"]["number"] == "92330127MA2H3K4L5P" and offer["licence"]["department_name"] == "市场监管局"
    assert offer["valid_until"].startswith(until) and offer["verified_by"] == "市场监管局"
    assert offer["archival_code"] == licence["archival_code"]

    reused = api.json(
        "POST",
        f"/applications/{case_b}/materials/business_licence/reuse",
        "applicant",
        201,
        json={"file_id": offer["file_id"]},
    )
    assert reused["level"] == "issued" and reused["reused_from"]["archival_code"] == licence["archival_code"]
    with runtime.db.session() as session:
        consent = session.scalar(select(ReuseConsent).where(ReuseConsent.application_id == case_b))
        owner = session.scalar(select(User).where(User.username == "applicant"))
        assert (consent.mode, consent.recorded_by_id, consent.file_id) == ("online", owner.id, offer["file_id"])
        assert consent.archival_code == licence["archival_code"]
    material = next(m for m in api.json("GET", f"/applications/{case_b}", "clerk")["materials"])
    assert material["level"] == "issued" and material["licence_id"] == licence["id"]
    assert material["valid_until"].startswith(until)


def test_the_licence_is_filed_as_a_result_with_its_facts_in_the_dossier_metadata(api, runtime):
    until = (_today() + timedelta(days=365)).isoformat()
    done = licence_case(api, "92330127MA2H3K4L6Q", until)
    with runtime.db.session() as session:
        dossier = session.get(Dossier, done["dossier_id"])
        [filed] = [f for f in dossier.files if f.licence_id]
        assert (filed.material_class, filed.material_type, filed.level) == ("result", "business_licence", "issued")
        with runtime.store.open(f"{dossier.package_prefix}/metadata/dossier.json") as fh:
            metadata = json.load(fh)
    entry = next(f for f in metadata["files"] if f["file_id"] == filed.id)
    assert entry["class_label"] == "结果性" and entry["level"] == "issued"
    facts = entry["licence"]
    assert facts["number"] == "92330127MA2H3K4L6Q" and facts["valid_until"] == until
    assert facts["holder"] == {"name": "王丽华", "id_number": "330127198805123429"}
    assert facts["issuing_department"] == {"code": "scjg", "name": "市场监管局"}


def test_only_the_issuing_department_revokes_and_a_revoked_licence_is_offered_no_more(api, runtime):
    done = licence_case(api, "92330127MA2H3K4L7R")
    [licence] = api.json("GET", "/me/licences", "applicant")["items"]
    assert licence["valid_until"] is None and licence["state"] == "valid", "no date: valid until revoked"
    path = f"/licences/{licence['id']}/revoke"
    refused = api.json("POST", path, "officer-wlj", 403, json={"reason": "不是我们发的"})
    assert "市场监管局" in refused["error"]["message"]
    api.json("POST", path, "applicant", 403, json={"reason": "x"})
    api.json("POST", path, "officer-scjg", 400, json={"reason": ""})
    revoked = api.json("POST", path, "officer-scjg", json={"reason": "以欺骗手段取得，依法撤销"})
    assert revoked["state"] == "revoked" and revoked["revoked_by"]
    api.json("POST", path, "officer-scjg", 409, json={"reason": "again"})

    case_b = draft(api, "food-grocery")
    assert "business_licence" not in offers(api, case_b), "revoked: never offered again"
    assert api.json("GET", "/me/licences", "applicant")["items"][0]["state"] == "revoked"
    events = api.json("GET", f"/applications/{done['id']}", "applicant")["events"]
    assert events[-1]["action"] == "revoke_licence" and events[-1]["note"] == "以欺骗手段取得，依法撤销"
    with runtime.db.session() as session:
        owner = session.scalar(select(User).where(User.username == "applicant"))
        told = session.scalars(select(Notification).where(Notification.user_id == owner.id)).all()
        assert any(n.kind == "licence_revoked" and "以欺骗手段取得" in n.body for n in told)
        logged = session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == done["dossier_id"])).all()
        assert any(e.action == "licence_revoked" for e in logged)


def test_a_licence_past_its_validity_is_offered_no_more(api, runtime):
    until = _today() + timedelta(days=10)
    licence_case(api, "92330127MA2H3K4L8T", until.isoformat())
    case_b = draft(api, "food-grocery")
    assert offers(api, case_b)["business_licence"][0]["level"] == "issued"
    with time_machine.travel(_noon(until), tick=False):
        assert [o["level"] for o in offers(api, case_b).get("business_licence", [])] == ["issued"], "its last day"
    with time_machine.travel(_noon(until + timedelta(days=1)), tick=False):
        assert "business_licence" not in offers(api, case_b)
        assert api.json("GET", "/me/licences", "applicant")["items"][0]["state"] == "expired"


def test_licence_facts_are_checked_before_anything_is_stored(api, runtime):
    case = draft(api, "sole-trader")
    fill(api, case)
    api.json("POST", f"/applications/{case}/submit", "applicant")
    api.json("POST", f"/applications/{case}/review", "clerk", json={"decision": "accept"})
    api.json("POST", f"/applications/{case}/route", "clerk", json={"departments": ["scjg"]})
    put = f"/applications/{case}/results/营业执照"
    pdf = {"data": b"%PDF-1.4 not stored", "headers": {"Content-Type": "application/pdf"}}
    unknown = api.json("PUT", f"{put}?licence_type=no_such_type&licence_number=1", "officer-scjg", 400, **pdf)
    assert "business_licence" in unknown["error"]["details"]["allowed"]
    api.json("PUT", f"{put}?licence_type=business_licence", "officer-scjg", 400, **pdf)
    yesterday = (_today() - timedelta(days=1)).isoformat()
    api.json(
        "PUT",
        f"{put}?licence_type=business_licence&licence_number=1&valid_until={yesterday}",
        "officer-scjg",
        400,
        **pdf,
    )
    with runtime.db.session() as session:
        assert session.scalar(select(Licence)) is None

    licence_case(api, "DUPLICATE-1")
    taken = api.json(
        "PUT", f"{put}?licence_type=business_licence&licence_number=DUPLICATE-1", "officer-scjg", 409, **pdf
    )
    assert taken["error"]["details"]["licence_number"] == "DUPLICATE-1"
    plain = api.json(
        "PUT", put, "officer-scjg", 201, data=pdf_bytes("营业执照"), headers={"Content-Type": "application/pdf"}
    )
    assert plain["licence"] is None, "no licence facts: a plain result"
    with runtime.db.session() as session:
        assert session.scalars(select(DossierFile).where(DossierFile.licence_id.is_not(None))).all()
