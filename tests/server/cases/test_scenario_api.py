"""The whole one-window loop over the API: apply, correct, accept with a gap, route, decide, complete, rate."""

from __future__ import annotations

from case_support import MINSU_APPLICANT, dump, pdf_bytes, routed_case
from sqlalchemy import select

from indexers import Scope, SearchQuery
from server.jobs import Worker
from server.models import Dossier, Rating


def test_the_whole_loop(api, runtime, minsu_files):
    created = api.json(
        "POST",
        "/applications",
        "applicant",
        201,
        json={
            "service_code": "minsu",
            "form": {"business_name": "青山村民宿", "address": "临安区青山村十八号", "rooms": 8},
        },
    )
    app_id = created["id"]
    assert created["status"] == "draft"
    for slot in ("applicant_id", "business_licence", "property_proof", "floor_plan"):
        data, name = minsu_files[slot]
        uploaded = api.upload(app_id, slot, "applicant", data, name, raw=slot == "property_proof")
        assert uploaded["size"] == len(data) and len(uploaded["sha256"]) == 64
    assert uploaded["media_type"] == "application/pdf" and uploaded["pages"] == 1

    missing = api.json("POST", f"/applications/{app_id}/submit", "applicant", 409)["error"]["details"]["missing"]
    assert {m["slot"]: m["may_defer"] for m in missing} == {"fire_safety": True, "health_certs": True}
    api.json(
        "POST", f"/applications/{app_id}/submit", "applicant", 400, json={"defer": ["health_certs", "fire_safety"]}
    )  # no undertaking
    api.upload(app_id, "fire_safety", "applicant", *minsu_files["fire_safety"])
    submitted = api.json(
        "POST",
        f"/applications/{app_id}/submit",
        "applicant",
        json={"defer": ["health_certs"], "undertaking": "本人承诺于十个工作日内补交从业人员健康证明"},
    )
    tracking = submitted["tracking_number"]
    assert submitted["status"] == "submitted" and submitted["deferred"] == ["health_certs"]

    # One notice listing every problem (一次性告知)
    corrected = api.json(
        "POST",
        f"/applications/{app_id}/review",
        "clerk",
        json={
            "decision": "correct",
            "verdicts": [
                {"slot": "floor_plan", "ok": False, "reason": "未标明安全出口"},
                {"slot": "property_proof", "ok": False, "reason": "复印件不清晰"},
                {"slot": "applicant_id", "ok": True},
            ],
        },
    )
    assert corrected["status"] == "needs_correction"
    [notice] = corrected["notices"]
    assert notice["kind"] == "correction"
    assert {i["slot"]: i["reason"] for i in notice["items"]} == {
        "floor_plan": "未标明安全出口",
        "property_proof": "复印件不清晰",
    }
    api.upload(app_id, "floor_plan", "applicant", pdf_bytes("民宿平面布局图 安全出口"), "平面图v2.pdf")
    api.upload(app_id, "property_proof", "applicant", *minsu_files["property_proof"])
    again = api.json(
        "POST",
        f"/applications/{app_id}/submit",
        "applicant",
        json={"defer": ["health_certs"], "undertaking": "本人承诺于十个工作日内补交从业人员健康证明"},
    )
    assert again["tracking_number"] == tracking

    api.json("POST", f"/applications/{app_id}/review", "clerk", 409, json={"decision": "accept"})
    accepted = api.json(
        "POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept_with_gap", "note": "健康证明容缺"}
    )
    assert accepted["status"] == "accepted_with_gap"
    assert accepted["gap"]["slots"] == ["health_certs"] and accepted["gap"]["deadline"]
    assert accepted["clock"]["level"] == "green" and accepted["clock"]["due_date"]
    levels = {m["slot"]: (m["level"], m["verified_by"]) for m in accepted["materials"]}
    assert levels.pop("applicant_id") == ("verified_original", "李晓燕（综合窗口）"), "its explicit verdict was ok"
    assert set(levels.values()) == {("uploaded", None)}, "accepting without verdicts verifies nothing"
    acceptance = next(n for n in accepted["notices"] if n["kind"] == "acceptance")
    pdf = api.call("GET", f"/applications/{app_id}/notices/{acceptance['id']}.pdf", "applicant", 200)
    assert pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"

    routed = api.json("POST", f"/applications/{app_id}/route", "clerk", json={"departments": ["wlj", "gaj", "xfjy"]})
    assert routed["status"] == "in_progress" and len(routed["parts"]) == 3
    api.json("GET", f"/applications/{app_id}", "officer-gaj")
    api.call("GET", f"/applications/{app_id}", "officer-wjj", 404)
    queue = api.json("GET", "/applications?status=in_progress", "officer-xfjy")
    assert [item["id"] for item in queue["items"]] == [app_id]

    blocked = api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", 409, json={"outcome": "approved"})
    assert blocked["error"]["details"]["gap_slots"] == ["health_certs"]
    api.upload(app_id, "health_certs", "applicant", *minsu_files["health_certs"])
    # The late material waits for the window's review before anyone decides.
    waiting = api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", 409, json={"outcome": "approved"})
    assert waiting["error"]["details"]["gap_slots"] == ["health_certs"]
    api.json("POST", f"/applications/{app_id}/gaps/health_certs/review", "clerk", json={"ok": True})
    for officer in ("officer-wlj", "officer-gaj"):
        api.json("POST", f"/applications/{app_id}/decision", officer, json={"outcome": "approved", "note": "符合条件"})
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", 409, json={"outcome": "approved"})
    api.json(
        "PUT",
        f"/applications/{app_id}/results/民宿登记证",
        "officer-wlj",
        201,
        data=pdf_bytes("民宿登记证 浙临民宿〔2026〕18号"),
        headers={"Content-Type": "application/pdf", "X-Filename": "%E6%B0%91%E5%AE%BF.pdf"},
    )
    decided = api.json("POST", f"/applications/{app_id}/decision", "officer-xfjy", json={"outcome": "approved"})
    assert decided["status"] == "approved" and decided["outcome"] == "approved"

    done = api.json("POST", f"/applications/{app_id}/complete", "officer-wlj")
    assert done["status"] == "archived" and done["dossier_id"]
    actions = [(e["action"], e["before"], e["after"]) for e in done["events"]]
    for step in [
        ("submit", "draft", "submitted"),
        ("request_correction", "submitted", "needs_correction"),
        ("resubmit", "needs_correction", "submitted"),
        ("accept_with_gap", "submitted", "accepted_with_gap"),
        ("route", "accepted_with_gap", "in_progress"),
        ("gap_filled", "in_progress", "in_progress"),
        ("review_gap", "in_progress", "in_progress"),
        ("decide", "in_progress", "approved"),
        ("complete", "approved", "completed"),
        ("archive", "completed", "archived"),
    ]:
        assert step in actions, step
    result = done["results"][0]
    licence = api.call("GET", f"/applications/{app_id}/results/{result['id']}", "applicant", 200)
    assert licence.data.startswith(b"%PDF")

    rated = api.json(
        "POST", f"/applications/{app_id}/rating", "applicant", 201, json={"score": 2, "comment": "等待太久"}
    )
    assert rated["follow_up"] == "open"
    api.json("POST", f"/applications/{app_id}/rating", "applicant", 409, json={"score": 5})

    public = api.json("GET", f"/track/{tracking}?phone_last4=1234", None)
    assert public["status"] == "archived" and public["service_name"] == "开办民宿"
    text = dump(public)
    for secret in (MINSU_APPLICANT["name"], MINSU_APPLICANT["id_number"], MINSU_APPLICANT["phone"], "平面图"):
        assert secret not in text
    api.call("GET", f"/track/{tracking}?phone_last4=0000", None, 404)
    api.call("GET", f"/track/{tracking}", None, 404)

    Worker(runtime.db, runtime).run_until_idle()
    with runtime.db.session() as session:
        dossier = session.get(Dossier, done["dossier_id"])
        names = {f.name for f in dossier.files}
        assert {"身份证.jpg", "平面图v2.pdf", "健康证.jpg", "民宿.pdf"} <= names
        assert any(name.startswith("SL-") for name in names), "the acceptance notice is archived"
        assert dossier.check_status == ("passed" if runtime.scanner else "incomplete"), "nothing failed"
        assert session.scalar(select(Rating.follow_up_status)) == "open"
        # The rating came after sealing: it is filed as the dossier's next version, which search finds.
        current = session.scalar(
            select(Dossier).where(Dossier.archival_code == dossier.archival_code, Dossier.superseded.is_(False))
        )
        assert current.replaces_id == dossier.id and "评价记录.pdf" in {f.name for f in current.files}
        current_id = current.id
    hits = runtime.index.search(SearchQuery(q="青山村 民宿", scope=Scope(departments=["gaj"])))
    assert [h.dossier_id for h in hits.hits] == [current_id]


def test_reuse_of_archived_materials(api, runtime, minsu_files):
    """A second application offers the archived ID card and licence instead of a new upload."""
    first = routed_case(api, minsu_files, ["wlj"])
    api.json(
        "PUT",
        f"/applications/{first}/results/登记证",
        "officer-wlj",
        201,
        data=pdf_bytes("登记证"),
        headers={"Content-Type": "application/pdf"},
    )
    api.json("POST", f"/applications/{first}/decision", "officer-wlj", json={"outcome": "approved"})
    api.json("POST", f"/applications/{first}/complete", "clerk")

    second = api.json("POST", "/applications", "applicant", 201, json={"service_code": "food-grocery"})["id"]
    offers = api.json("GET", f"/applications/{second}/reusable", "applicant")["slots"]
    assert set(offers) == {"business_licence", "legal_rep_id", "health_certs"}
    licence = offers["business_licence"][0]
    assert licence["verified_by"] is None and licence["level"] == "uploaded", "accepted without any verdict"
    reused = api.json(
        "POST",
        f"/applications/{second}/materials/business_licence/reuse",
        "applicant",
        201,
        json={"file_id": licence["file_id"]},
    )
    assert reused["reused_from"]["dossier_id"] == licence["dossier_id"]
    other = api.json("POST", "/applications", "applicant2", 201, json={"service_code": "food-grocery"})["id"]
    api.json(
        "POST",
        f"/applications/{other}/materials/business_licence/reuse",
        "applicant2",
        400,
        json={"file_id": licence["file_id"]},
    )
    ledger = api.json("GET", "/me/access-ledger", "applicant")
    assert ledger["total"] == 0, "the applicant's own reuse is not someone else's read"
    detail = api.json("GET", f"/applications/{second}", "clerk")
    [material] = detail["materials"]
    assert material["reused_from"]["file_id"] == licence["file_id"]


def test_bad_uploads_are_refused_clearly(api, minsu_files):
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    wrong = api.upload(app_id, "floor_plan", "applicant", minsu_files["applicant_id"][0], "平面图.pdf", expect=415)
    assert wrong["error"]["details"]["detected"] == "image/jpeg"
    assert wrong["error"]["details"]["accepted_formats"] == ["pdf"]
    api.upload(app_id, "floor_plan", "applicant", b"", "empty.pdf", expect=400)
    api.upload(app_id, "no_such_slot", "applicant", b"%PDF-1.4", "x.pdf", expect=404)
    api.json(
        "PUT",
        f"/applications/{app_id}/materials/floor_plan",
        "applicant",
        400,
        data=b"x",
        content_type="multipart/form-data; boundary=zz",
    )
    detail = api.json("GET", f"/applications/{app_id}", "applicant")
    assert detail["materials"] == []


def test_resumable_upload_survives_a_dropped_connection(api, minsu_files):
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    data = minsu_files["floor_plan"][0] * 1  # a real PDF
    started = api.json(
        "POST",
        f"/applications/{app_id}/uploads",
        "applicant",
        201,
        json={"slot": "floor_plan", "filename": "平面图.pdf", "size": len(data)},
    )
    upload = f"/uploads/{started['upload_id']}"
    first = api.json("PATCH", upload, "applicant", 200, data=data[:100], headers={"Upload-Offset": "0"})
    assert first["offset"] == 100 and not first["complete"]
    # the connection drops; the client asks where to resume and sends a stale offset first
    assert api.json("GET", upload, "applicant")["offset"] == 100
    stale = api.json("PATCH", upload, "applicant", 409, data=data[50:], headers={"Upload-Offset": "50"})
    assert stale["error"]["details"]["offset"] == 100
    done = api.json("PATCH", upload, "applicant", 201, data=data[100:], headers={"Upload-Offset": "100"})
    assert done["complete"] and done["media_type"] == "application/pdf"
    import hashlib

    assert done["sha256"] == hashlib.sha256(data).hexdigest()
    detail = api.json("GET", f"/applications/{app_id}", "applicant")
    assert [m["slot"] for m in detail["materials"]] == ["floor_plan"]
    api.call("GET", upload, "applicant2", 404)
    api.json("POST", f"/applications/{app_id}/uploads", "applicant", 413, json={"slot": "floor_plan", "size": 10**12})


def test_supervision_summary_is_for_supervisors(api):
    summary = api.json("GET", "/supervision/summary", "supervisor")
    assert summary, "the summary has content"
    api.call("GET", "/supervision/summary", "clerk", 403)
    api.call("GET", "/supervision/summary", None, 401)
