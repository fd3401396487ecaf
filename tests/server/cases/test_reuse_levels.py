"""Verification levels: only an explicit ok verdict raises a material to ``verified_original``; an acceptance
verifies nothing; a reused copy keeps its level (and who checked it) until a clerk checks it again."""

from __future__ import annotations

from datetime import timedelta

from reuse_support import accepted, archived, draft, fill, offers
from sqlalchemy import select

from server.models import Dossier, Material


def _levels(case: dict) -> dict[str, tuple[str, str | None]]:
    return {m["slot"]: (m["level"], m["verified_by"]) for m in case["materials"]}


def test_accept_without_verdicts_verifies_nothing(api, runtime):
    app_id = draft(api, "sole-trader")
    fill(api, app_id)
    case = accepted(api, app_id)
    assert set(_levels(case).values()) == {("uploaded", None)}
    assert all(m["verdict"] is None for m in case["materials"])
    done = archived(api, app_id, "scjg")
    with runtime.db.session() as session:
        dossier = session.get(Dossier, done["dossier_id"])
        basis = [f for f in dossier.files if f.material_class == "basis"]
        assert basis and {(f.level, f.verified_by) for f in basis} == {("uploaded", "")}
    later = draft(api, "food-grocery")
    [card] = offers(api, later)["legal_rep_id"]
    assert (card["level"], card["verified_by"], card["verified_at"]) == ("uploaded", None, None)


def test_only_an_explicit_ok_verdict_raises_a_material_to_verified_original(api, runtime):
    app_id = draft(api, "sole-trader")
    fill(api, app_id)
    case = accepted(api, app_id, verdicts=[{"slot": "operator_id", "ok": True}])
    levels = _levels(case)
    assert levels.pop("operator_id") == ("verified_original", "李晓燕（综合窗口）")
    assert set(levels.values()) == {("uploaded", None)}
    card = next(m for m in case["materials"] if m["slot"] == "operator_id")
    verified = card["verified_at"]
    assert card["verdict"] == {"ok": True, "reason": "", "verified_by": "李晓燕（综合窗口）", "verified_at": verified}
    with runtime.db.session() as session:
        material = session.get(Material, card["file_id"])
        assert material.valid_until - material.verified_at == timedelta(days=3650), (
            "居民身份证: 3650 days from the check"
        )

    done = archived(api, app_id, "scjg")
    later = draft(api, "food-grocery")
    [offer] = offers(api, later)["legal_rep_id"]
    assert (offer["level"], offer["verified_by"]) == ("verified_original", "李晓燕（综合窗口）")
    assert offer["verified_at"] == verified and offer["archival_code"] == _code(runtime, done["dossier_id"])


def test_a_failed_verdict_names_its_author_but_verifies_nothing(api):
    app_id = draft(api, "sole-trader")
    fill(api, app_id)
    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    case = api.json(
        "POST",
        f"/applications/{app_id}/review",
        "clerk",
        json={"decision": "correct", "verdicts": [{"slot": "operator_id", "ok": False, "reason": "照片模糊"}]},
    )
    card = next(m for m in case["materials"] if m["slot"] == "operator_id")
    assert (card["level"], card["verified_by"]) == ("uploaded", None)
    assert card["verdict"]["verified_by"] == "李晓燕（综合窗口）" and card["verdict"]["ok"] is False


def test_a_reused_copy_keeps_its_level_until_the_clerk_checks_it_against_the_original(api, runtime):
    first = draft(api, "sole-trader")
    fill(api, first)
    accepted(api, first, verdicts=[{"slot": "operator_id", "ok": True}])
    archived(api, first, "scjg")
    source = offers(api, draft(api, "food-grocery"))["legal_rep_id"][0]

    second = draft(api, "food-grocery")
    api.json(
        "POST",
        f"/applications/{second}/materials/legal_rep_id/reuse",
        "applicant",
        201,
        json={"file_id": source["file_id"]},
    )
    fill(api, second, tag="二")
    case = accepted(api, second)
    card = next(m for m in case["materials"] if m["slot"] == "legal_rep_id")
    assert (card["level"], card["verified_at"]) == ("verified_original", source["verified_at"]), (
        "accepting keeps the copy's own check, by whom and when it was made"
    )
    assert card["verdict"] is None

    third = draft(api, "food-grocery")
    api.json(
        "POST",
        f"/applications/{third}/materials/legal_rep_id/reuse",
        "applicant",
        201,
        json={"file_id": source["file_id"]},
    )
    fill(api, third, tag="三")
    case = accepted(api, third, verdicts=[{"slot": "legal_rep_id", "ok": True}])
    card = next(m for m in case["materials"] if m["slot"] == "legal_rep_id")
    assert card["level"] == "verified_original" and card["verified_at"] > source["verified_at"], "checked anew"


def _code(runtime, dossier_id: str) -> str:
    with runtime.db.session() as session:
        return session.scalar(select(Dossier.archival_code).where(Dossier.id == dossier_id))
