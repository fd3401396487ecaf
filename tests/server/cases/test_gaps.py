"""容缺 per deferred item: deadlines by default and at most the promised date, reminders, the clerk's review
of late material (the clock waits for the applicant while refused), termination sealed into the archive."""

from __future__ import annotations

from datetime import date

from time_support import accepted_with_gap, actions, at, case, notice_text, submitted

from server.models import Dossier

TWO_DEFERRED = ("fire_safety", "health_certs")


def _review(api, app_id, **body):
    return api.call("POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept_with_gap", **body})


def test_deadlines_default_to_the_promised_date_and_may_not_pass_it(clock, api, minsu_files, runtime):
    app_id = submitted(api, minsu_files, defer=TWO_DEFERRED)
    past = _review(api, app_id, gap_deadlines={"fire_safety": "2026-11-01", "health_certs": "2026-11-20"})
    assert past.status_code == 400
    fields = past.get_json()["error"]["details"]["fields"]
    assert set(fields) == {"gap_deadlines.fire_safety", "gap_deadlines.health_certs"}
    assert "past" in fields["gap_deadlines.fire_safety"] and "2026-11-09" in fields["gap_deadlines.health_certs"]
    assert case(api, app_id)["status"] == "submitted"  # nothing of the refused review was kept
    wrong = _review(api, app_id, gap_deadlines={"applicant_id": "2026-11-05"})
    assert "gap_deadlines.applicant_id" in wrong.get_json()["error"]["details"]["fields"]

    assert _review(api, app_id, gap_deadlines={"fire_safety": "2026-11-04"}).status_code == 200
    body = case(api, app_id)
    assert {i["slot"]: i["deadline"] for i in body["gap"]["items"]} == {
        "fire_safety": "2026-11-04",
        "health_certs": "2026-11-09",  # the promised completion date
    }
    assert body["gap"]["deadline"] == "2026-11-04" and body["clock"]["due_date"] == "2026-11-09"
    assert body["events"][-1]["data"]["gap_deadlines"] == {"fire_safety": "2026-11-04", "health_certs": "2026-11-09"}
    acceptance = notice_text(runtime, app_id, "acceptance")
    assert "材料齐全" not in acceptance and "2026-11-04" in acceptance and "从业人员健康证明" in acceptance
    assert "2026-11-09前补齐" in notice_text(runtime, app_id, "gap")


def test_one_reminder_per_item_two_working_days_before(clock, api, minsu_files, sweep):
    app_id = accepted_with_gap(api, minsu_files)  # owed by Monday 9 November
    clock.move_to(at(date(2026, 11, 4)))  # three working days before
    assert not sweep().reminded
    clock.move_to(at(date(2026, 11, 5)))  # Thursday: two working days before
    assert sweep().reminded == [app_id]
    assert not sweep().reminded
    clock.move_to(at(date(2026, 11, 6)))
    assert not sweep().reminded
    [remind] = [e for e in case(api, app_id)["events"] if e["action"] == "remind"]
    assert remind["data"] == {"slot": "fire_safety", "deadline": "2026-11-09"}


def test_late_material_waits_for_the_clerk_who_may_refuse_it(clock, api, minsu_files, sweep):
    app_id = accepted_with_gap(api, minsu_files)
    data, name = minsu_files["fire_safety"]
    api.upload(app_id, "fire_safety", "applicant", data, name)
    body = case(api, app_id)
    assert body["gap"]["items"][0]["status"] == "arrived" and body["gap"]["slots"] == []
    assert "review_gap" in body["allowed_actions"]
    path = f"/applications/{app_id}/gaps/fire_safety/review"
    api.call("POST", path, "applicant", 403, json={"ok": True})
    api.call("POST", path, "clerk", 400, json={"ok": False})

    clock.move_to(at(date(2026, 11, 3)))
    api.json("POST", path, "clerk", json={"ok": False, "reason": "无印章"})
    refused = case(api, app_id)
    assert refused["gap"]["items"][0]["status"] == "refused" and refused["clock"]["level"] == "paused"
    assert refused["gap"]["slots"] == ["fire_safety"]  # owed again: the applicant may upload anew
    assert "fill_gap" in case(api, app_id, "applicant")["allowed_actions"]
    used = refused["clock"]["used_working_days"]

    clock.move_to(at(date(2026, 11, 5)))  # the applicant's time: the clock stands still
    assert case(api, app_id)["clock"]["used_working_days"] == used
    api.upload(app_id, "fire_safety", "applicant", data, "消防（盖章）.pdf")
    assert case(api, app_id)["clock"]["level"] != "paused"
    clock.move_to(at(date(2026, 11, 11)))  # past the deadline, but the material is the clerk's to review
    assert not sweep().terminated
    api.json("POST", path, "clerk", json={"ok": True})
    done = case(api, app_id)
    assert done["gap"]["slots"] == [] and done["gap"]["items"][0]["status"] == "accepted"
    assert [e["data"]["ok"] for e in done["events"] if e["action"] == "review_gap"] == [False, True]


def test_a_lapsed_deadline_terminates_and_archives_the_case(clock, api, minsu_files, sweep, runtime):
    app_id = accepted_with_gap(api, minsu_files, {"fire_safety": "2026-11-04"})
    clock.move_to(at(date(2026, 11, 4), hour=23))
    assert not sweep().terminated  # the deadline's own day is the applicant's
    clock.move_to(at(date(2026, 11, 5), hour=8))
    assert sweep().terminated == [app_id]
    body = case(api, app_id)
    assert body["status"] == "terminated" and body["outcome"] == "terminated"
    assert body["clock"]["level"] == "stopped"
    assert actions(body)[-1] == "terminate" and body["events"][-1]["actor"] == "系统"
    [notice] = [n for n in body["notices"] if n["kind"] == "termination"]
    assert notice["number"].startswith("ZZ-") and notice["items"][0]["deadline"] == "2026-11-04"
    assert "终止办理" in notice_text(runtime, app_id, "termination")
    pdf = api.call("GET", f"/applications/{app_id}/notices/{notice['id']}.pdf", "applicant", 200)
    assert pdf.data.startswith(b"%PDF")
    with runtime.db.session() as session:
        dossier = session.get(Dossier, body["dossier_id"])
        assert dossier is not None and dossier.outcome == "terminated"
        assert "notice_termination" in {f.material_type for f in dossier.files}
    assert sweep().terminated == [] and len(case(api, app_id)["events"]) == len(body["events"])
