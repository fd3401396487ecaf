"""Consent to a reuse: in the applicant's own online draft only they give it; at the window the clerk records
the consent given in person, under the clerk's name, and the ledger says so."""

from __future__ import annotations

from case_support import MINSU_APPLICANT
from reuse_support import accepted, archived, draft, fill, licence_case, offers
from sqlalchemy import select

from server.models import AccessLog, Material, ReuseConsent, User


def _archived_card(api) -> None:
    app_id = draft(api, "sole-trader")
    fill(api, app_id)
    accepted(api, app_id, verdicts=[{"slot": "operator_id", "ok": True}])
    archived(api, app_id, "scjg")


def test_a_clerk_cannot_consent_in_the_applicants_own_online_draft(api, runtime):
    licence_case(api, "92330127MA2H3K4L9U")
    app_id = draft(api, "food-grocery")
    [offer] = offers(api, app_id, user="clerk")["business_licence"]
    assert "reuse" not in api.json("GET", f"/applications/{app_id}", "clerk")["allowed_actions"]
    assert "reuse" in api.json("GET", f"/applications/{app_id}", "applicant")["allowed_actions"]
    refused = api.json(
        "POST",
        f"/applications/{app_id}/materials/business_licence/reuse",
        "clerk",
        403,
        json={"file_id": offer["file_id"]},
    )
    assert "须由申请人本人确认同意" in refused["error"]["message"]
    assert "only the applicant may consent" in refused["error"]["message"]
    with runtime.db.session() as session:
        assert session.scalar(select(ReuseConsent).where(ReuseConsent.application_id == app_id)) is None
        assert session.scalar(select(Material).where(Material.application_id == app_id)) is None
    assert api.json("GET", "/me/access-ledger", "applicant")["total"] == 0, "nothing is recorded as agreed"


def test_online_the_consent_is_the_applicants_own(api, runtime):
    _archived_card(api)
    app_id = draft(api, "food-grocery")
    [offer] = offers(api, app_id)["legal_rep_id"]
    api.json(
        "POST",
        f"/applications/{app_id}/materials/legal_rep_id/reuse",
        "applicant",
        201,
        json={"file_id": offer["file_id"]},
    )
    with runtime.db.session() as session:
        consent = session.scalar(select(ReuseConsent).where(ReuseConsent.application_id == app_id))
        owner = session.scalar(select(User).where(User.username == "applicant"))
        assert (consent.mode, consent.recorded_by_id, consent.recorded_by_role) == ("online", owner.id, "applicant")
        assert (consent.slot, consent.dossier_id) == ("legal_rep_id", offer["dossier_id"])
        entry = session.scalar(select(AccessLog).where(AccessLog.application_id == app_id))
        assert "申请人本人网上确认同意" in entry.purpose
    event = api.json("GET", f"/applications/{app_id}", "applicant")["events"][-1]
    assert event["action"] == "reuse" and event["data"]["consent"] == "online"


def test_at_the_window_the_clerk_records_the_consent_given_in_person(api, runtime):
    _archived_card(api)
    walk_in = draft(api, "food-grocery", user="clerk", applicant=MINSU_APPLICANT)
    [offer] = offers(api, walk_in, user="clerk")["legal_rep_id"]
    assert "reuse" in api.json("GET", f"/applications/{walk_in}", "clerk")["allowed_actions"]
    reused = api.json(
        "POST",
        f"/applications/{walk_in}/materials/legal_rep_id/reuse",
        "clerk",
        201,
        json={"file_id": offer["file_id"]},
    )
    assert reused["level"] == "verified_original", "the copy keeps its level"
    with runtime.db.session() as session:
        consent = session.scalar(select(ReuseConsent).where(ReuseConsent.application_id == walk_in))
        assert (consent.mode, consent.recorded_by, consent.recorded_by_role) == (
            "in_person",
            "李晓燕（综合窗口）",
            "clerk",
        )
    ledger = api.json("GET", "/me/access-ledger", "applicant")
    [entry] = [e for e in ledger["items"] if e.get("application_id") == walk_in]
    assert "现场同意" in entry["purpose"] and "李晓燕（综合窗口）" in entry["purpose"]
    assert "申请人已同意" not in entry["purpose"], "never worded as if the applicant had acted online"
    event = api.json("GET", f"/applications/{walk_in}", "clerk")["events"][-1]
    assert event["data"]["consent"] == "in_person" and event["data"]["consent_recorded_by"] == "李晓燕（综合窗口）"


def test_a_file_that_is_not_offered_cannot_be_reused(api):
    _archived_card(api)
    [offer] = offers(api, draft(api, "food-grocery"))["legal_rep_id"]
    other = draft(api, "food-grocery", user="applicant2")
    api.json(
        "POST",
        f"/applications/{other}/materials/legal_rep_id/reuse",
        "applicant2",
        400,
        json={"file_id": offer["file_id"]},
    )
    mine = draft(api, "food-grocery")
    api.json(
        "POST",
        f"/applications/{mine}/materials/business_licence/reuse",
        "applicant",
        400,
        json={"file_id": offer["file_id"]},
    )
