"""督办: a warning at yellow and an escalation at red, each once per deadline; a supervisor's new deadline."""

from __future__ import annotations

from datetime import date

from case_support import routed_case
from time_support import actions, at, case


def test_warned_at_yellow_escalated_at_red_once_each(clock, api, minsu_files, sweep):
    app_id = routed_case(api, minsu_files, ["wlj"])  # five working days from Monday 2 November
    clock.move_to(at(date(2026, 11, 5)))  # three used: green
    assert not sweep().warned
    clock.move_to(at(date(2026, 11, 6)))  # four of five: yellow
    assert sweep().warned == [app_id]
    assert not sweep().warned
    clock.move_to(at(date(2026, 11, 10)))  # six of five: red
    assert sweep().escalated == [app_id]
    assert not sweep().escalated
    body = case(api, app_id)
    assert actions(body).count("warn") == 1 and actions(body).count("escalate") == 1
    escalate = body["events"][-1]
    assert escalate["actor"] == "系统" and escalate["data"]["level"] == "red"
    assert escalate["data"]["departments"] == ["wlj"] and body["escalated"] is True
    summary = api.json("GET", "/supervision/summary", "supervisor")
    assert [r["id"] for r in summary["escalated"]] == [app_id]


def test_a_supervisor_sets_a_new_deadline(clock, api, minsu_files, sweep):
    app_id = routed_case(api, minsu_files, ["wlj"])
    clock.move_to(at(date(2026, 11, 10)))
    sweep()
    path = f"/applications/{app_id}/deadline"
    api.call("POST", path, "officer-wlj", 403, json={"due_date": "2026-11-13", "reason": "延期"})
    api.call("POST", path, "supervisor", 400, json={"due_date": "2026-11-14", "reason": "周六"})
    api.call("POST", path, "supervisor", 400, json={"due_date": "2026-11-09", "reason": "已过"})
    api.call("POST", path, "supervisor", 400, json={"due_date": "2026-11-13"})
    api.json("POST", path, "supervisor", json={"due_date": "2026-11-13", "reason": "专家意见待回复"})
    body = case(api, app_id)
    assert body["clock"]["due_date"] == "2026-11-13" and body["clock"]["level"] == "green"
    assert body["escalated"] is False
    event = body["events"][-1]
    assert event["action"] == "set_deadline" and event["note"] == "专家意见待回复"
    assert event["data"]["due_date"] == "2026-11-13" and event["data"]["previous_due_date"] == "2026-11-09"
    assert not any(vars(sweep()).values())
    clock.move_to(at(date(2026, 11, 12)))  # eight of nine: warned again against the new deadline
    assert sweep().warned == [app_id]
    clock.move_to(at(date(2026, 11, 16)))
    assert sweep().escalated == [app_id]
    assert actions(case(api, app_id)).count("escalate") == 2


def test_running_the_sweep_twice_records_nothing_new(clock, api, minsu_files, sweep):
    routed_case(api, minsu_files, ["wlj"])
    clock.move_to(at(date(2026, 11, 20)))
    first = sweep()
    assert first.escalated
    again = sweep()
    assert not any(vars(again).values())
