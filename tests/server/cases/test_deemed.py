"""Deemed acceptance (行政许可法 第三十二条): five working days after submission, counted in Shanghai with
the holiday calendar; flagged the working day before; accepted by the server after."""

from __future__ import annotations

from datetime import date

from time_support import at, case, notice_text, submitted

from server.services.calendar import set_day


def test_day_five_is_the_clerks_and_day_six_the_laws(clock, api, minsu_files, sweep, runtime):
    app_id = submitted(api, minsu_files)  # Monday 2 November: days 1-5 are 3, 4, 5, 6 and Monday 9
    assert case(api, app_id)["deemed_acceptance"] == {"day": "2026-11-09", "near": False}

    clock.move_to(at(date(2026, 11, 5)))  # Thursday: two working days left
    assert not sweep().deemed_accepted
    listed = api.json("GET", "/applications?status=submitted", "clerk")["items"]
    assert [i["deemed_acceptance"]["near"] for i in listed if i["id"] == app_id] == [False]

    clock.move_to(at(date(2026, 11, 6)))  # Friday: one working day left, flagged for the clerk
    assert case(api, app_id)["deemed_acceptance"]["near"] is True
    assert api.json("GET", "/supervision/summary", "supervisor")["deemed_acceptance_near"] == 1

    clock.move_to(at(date(2026, 11, 9), hour=23))  # the fifth working day, to its last hour: still the clerk's
    assert not sweep().deemed_accepted
    assert case(api, app_id)["status"] == "submitted"

    clock.move_to(at(date(2026, 11, 10), hour=8))  # the sixth: accepted by law
    assert sweep().deemed_accepted == [app_id]
    body = case(api, app_id)
    assert body["status"] == "accepted" and body["deemed_acceptance"] is None
    event = body["events"][-1]
    assert (event["action"], event["actor"], event["role"]) == ("deemed_accepted", "系统", "system")
    assert event["data"]["deemed_on"] == "2026-11-09" and event["data"]["gap_deadlines"] == {}
    # The clock ran from the end of the fifth day, not from when the sweep came round.
    assert body["clock"]["due_date"] == "2026-11-16"
    assert [n["kind"] for n in body["notices"]] == ["acceptance"]
    text = notice_text(runtime, app_id, "acceptance")
    assert "依法视为受理" in text and "第三十二条" in text and "材料齐全" not in text
    assert api.json("GET", "/supervision/summary", "supervisor")["deemed_acceptance_near"] == 0


def test_holidays_are_not_counted(clock, api, minsu_files, sweep, runtime):
    with runtime.db.session() as session:
        for day in (date(2026, 11, 4), date(2026, 11, 5)):
            set_day(session, day, working=False, name="测试假日")
    app_id = submitted(api, minsu_files)
    assert case(api, app_id)["deemed_acceptance"]["day"] == "2026-11-11"
    clock.move_to(at(date(2026, 11, 11)))
    assert not sweep().deemed_accepted
    clock.move_to(at(date(2026, 11, 12)))
    assert sweep().deemed_accepted == [app_id]


def test_a_deferred_submission_is_deemed_accepted_with_its_gap(clock, api, minsu_files, sweep, runtime):
    app_id = submitted(api, minsu_files, defer=("fire_safety",))
    clock.move_to(at(date(2026, 11, 10)))
    sweep()
    body = case(api, app_id)
    assert body["status"] == "accepted_with_gap"
    assert body["events"][-1]["data"]["gap_deadlines"] == {"fire_safety": "2026-11-16"}
    [item] = body["gap"]["items"]
    assert (item["slot"], item["deadline"], item["status"]) == ("fire_safety", "2026-11-16", "owed")
    assert sorted(n["kind"] for n in body["notices"]) == ["acceptance", "gap"]
    assert "2026-11-16" in notice_text(runtime, app_id, "acceptance")


def test_a_reviewed_case_is_never_deemed(clock, api, minsu_files, sweep):
    app_id = submitted(api, minsu_files)
    api.json("POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept"})
    clock.move_to(at(date(2026, 11, 20)))
    assert app_id not in sweep().deemed_accepted
    assert "deemed_accepted" not in [e["action"] for e in case(api, app_id)["events"]]
