"""What is offered for reuse: never expired copies, nor unchecked copies from a rejected case, and each file once."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from reuse_support import accepted, archived, draft, fill, offers
from sqlalchemy import select

from server.models import Dossier, DossierFile, utcnow


def test_a_rejected_case_offers_only_the_copies_a_clerk_checked(api, runtime):
    app_id = draft(api, "sole-trader")
    fill(api, app_id)
    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    rejected = api.json(
        "POST",
        f"/applications/{app_id}/review",
        "clerk",
        json={
            "decision": "reject",
            "note": "经营范围属于禁止类",
            "verdicts": [
                {"slot": "operator_id", "ok": True},
                {"slot": "premises_proof", "ok": False, "reason": "过期"},
            ],
        },
    )
    assert rejected["status"] == "rejected" and rejected["dossier_id"]
    later = draft(api, "food-grocery")
    offered = offers(api, later)
    assert [o["level"] for o in offered["legal_rep_id"]] == ["verified_original"], "checked: still offered"
    assert "premises_proof" not in offered, "never checked (its verdict failed): not offered from a rejected case"


def test_copies_past_their_types_validity_are_not_offered(api, runtime):
    app_id = draft(api, "food-grocery")
    fill(api, app_id)
    accepted(api, app_id, verdicts=[{"slot": "health_certs", "ok": True}])
    archived(api, app_id, "scjg")
    later = draft(api, "food-grocery")
    valid = offers(api, later)
    assert valid["health_certs"][0]["valid_until"] and valid["legal_rep_id"][0]["valid_until"]
    assert valid["business_licence"][0]["valid_until"] is None, "营业执照 has no validity of its own"
    # Only the reading moves in time: the object store refuses requests signed a year off its own clock.
    with time_machine.travel(utcnow() + timedelta(days=366), tick=False):
        api.tokens.clear()  # the tokens expired meanwhile
        stale = offers(api, later)
    assert "health_certs" not in stale, "健康证明: 365 days"
    assert "legal_rep_id" in stale and "business_licence" in stale


def test_each_file_is_offered_once_strongest_first(api, runtime):
    first = draft(api, "food-grocery")
    fill(api, first, tag="同一份")
    accepted(api, first, verdicts=[{"slot": "legal_rep_id", "ok": True}])
    archived(api, first, "scjg")
    [card] = offers(api, draft(api, "food-grocery"))["legal_rep_id"]

    second = draft(api, "food-grocery")
    api.json(
        "POST",
        f"/applications/{second}/materials/legal_rep_id/reuse",
        "applicant",
        201,
        json={"file_id": card["file_id"]},
    )
    fill(api, second, tag="同一份")  # the very same bytes again, in every other slot
    accepted(api, second)
    archived(api, second, "scjg")
    with runtime.db.session() as session:
        sha256 = session.get(DossierFile, card["file_id"]).sha256
        copies = session.scalars(
            select(DossierFile)
            .join(Dossier)
            .where(DossierFile.material_type == "id_card", DossierFile.sha256 == sha256)
        ).all()
        assert len(copies) == 2, "the card is in both dossiers"

    third = draft(api, "food-grocery")
    offered = offers(api, third)
    assert all(len(items) == 1 for items in offered.values()), {s: len(i) for s, i in offered.items()}
    assert offered["legal_rep_id"][0]["level"] == "verified_original", "two archived copies, offered once"
    api.json(
        "POST",
        f"/applications/{third}/materials/legal_rep_id/reuse",
        "applicant",
        201,
        json={"file_id": offered["legal_rep_id"][0]["file_id"]},
    )
    assert "legal_rep_id" not in offers(api, third), "a slot is not offered the file it holds"


def test_an_offer_can_be_previewed_before_anyone_agrees(api, runtime):
    app_id = draft(api, "sole-trader")
    fill(api, app_id)
    accepted(api, app_id)
    archived(api, app_id, "scjg")
    later = draft(api, "food-grocery")
    offer = offers(api, later)["premises_proof"][0]
    for px in (320, 1200):
        page = api.call("GET", f"/applications/{later}/reusable/{offer['file_id']}/pages/1-{px}.webp", "applicant", 200)
        assert page.mimetype in ("image/webp", "image/svg+xml") and page.data
    api.call("GET", f"/applications/{later}/reusable/{offer['file_id']}/pages/2-320.webp", "applicant", 404)
    api.call("GET", f"/applications/{later}/reusable/{offer['file_id']}/pages/1-77.webp", "applicant", 404)
    other = draft(api, "food-grocery", user="applicant2")
    api.call("GET", f"/applications/{other}/reusable/{offer['file_id']}/pages/1-320.webp", "applicant2", 404)
