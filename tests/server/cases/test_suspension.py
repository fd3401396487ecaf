"""Suspension for a special procedure (行政许可法 第四十五条): the clock stops, at most the kind's working days."""

from __future__ import annotations

from datetime import date

from case_support import routed_case
from time_support import accepted, at, case, notice_text


def _suspend(api, app_id, user="officer-wlj", expect=200, **body):
    return api.call("POST", f"/applications/{app_id}/suspend", user, expect, json=body)


def test_a_suspended_clock_does_not_move(clock, api, minsu_files, sweep, runtime):
    app_id = routed_case(api, minsu_files, ["wlj"])  # accepted Monday 2 November, due Monday 9
    clock.move_to(at(date(2026, 11, 3)))
    _suspend(api, app_id, "applicant", 403, kind="inspection", reason="现场核查")
    _suspend(api, app_id, expect=400, kind="inspection", reason="")
    _suspend(api, app_id, expect=400, kind="party", reason="现场核查")
    _suspend(api, app_id, kind="inspection", reason="现场核查消防通道")
    _suspend(api, app_id, expect=409, kind="hearing", reason="again")
    body = case(api, app_id)
    assert body["clock"]["level"] == "paused" and body["clock"]["used_working_days"] == 1
    assert body["suspension"]["kind"] == "inspection" and body["suspension"]["resume_by"] == "2026-12-01"
    assert body["events"][-1]["data"] == {"kind": "inspection", "max_days": 20, "resume_by": "2026-12-01"}
    assert "第四十五条" in notice_text(runtime, app_id, "suspension")

    clock.move_to(at(date(2026, 11, 10)))
    sweep()
    body = case(api, app_id)
    assert body["clock"]["used_working_days"] == 1 and body["clock"]["level"] == "paused"
    assert "escalate" not in [e["action"] for e in body["events"]]

    api.json("POST", f"/applications/{app_id}/resume", "officer-wlj", json={"note": "核查完毕"})
    clock.move_to(at(date(2026, 11, 11)))
    body = case(api, app_id)
    # Tuesday 3 counted; Wednesday 4 to Tuesday 10 not; Wednesday 11 counts again.
    assert body["clock"]["used_working_days"] == 2 and body["clock"]["due_date"] == "2026-11-16"
    assert body["events"][-1]["data"]["automatic"] is False and body["suspension"] is None


def test_past_its_longest_time_the_sweep_resumes_the_clock(clock, api, minsu_files, sweep):
    app_id = accepted(api, minsu_files)  # the window may suspend before routing
    api.json("POST", f"/applications/{app_id}/suspend", "clerk", json={"kind": "hearing", "reason": "听证"})
    clock.move_to(at(date(2026, 11, 27)))  # the twentieth working day after 2 November was Monday 30
    assert not sweep().resumed
    clock.move_to(at(date(2026, 12, 2)))
    api.tokens.clear()  # a month on, the morning's tokens have run out
    assert sweep().resumed == [app_id]
    assert not sweep().resumed
    body = case(api, app_id)
    [resume] = [e for e in body["events"] if e["action"] == "resume"]
    assert resume["actor"] == "系统" and resume["data"] == {
        "kind": "hearing",
        "automatic": True,
        "paused_working_days": 20,
    }
    # Twenty days not counted, then Tuesday 1 and Wednesday 2 December.
    assert body["clock"]["used_working_days"] == 2
