"""网格化: each case records the applicant's township (one of ONEWINDOW_TOWNSHIPS), cases are listed by
township, and the supervisor's grid counts open, warning and overdue cases per township as time passes."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from server.config import load_settings
from server.models import User
from server.services.cases import supervision
from server.timeutil import LOCAL_TZ

TOWNSHIPS = ("城关镇", "溪口镇", "白云街道")


def day(n: int) -> datetime:
    """10:00 on the nth of December 2026 in the centre's zone: no public holiday falls in the weeks used.
    Time only moves forward from the real date, and only while nothing is written to the object store
    (S3 refuses requests signed at a time far from its own)."""
    return datetime(2026, 12, n, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def settings(settings):
    return settings.with_overrides(townships=TOWNSHIPS)


def _submitted(api, minsu_files, township: str | None) -> str:
    body = {"service_code": "minsu", **({"township": township} if township is not None else {})}
    app_id = api.json("POST", "/applications", "applicant", 201, json=body)["id"]
    for slot, (data, name) in minsu_files.items():
        api.upload(app_id, slot, "applicant", data, name)
    api.json("POST", f"/applications/{app_id}/submit", "applicant")
    return app_id


def _accept(api, app_id: str) -> None:
    api.json("POST", f"/applications/{app_id}/review", "clerk", json={"decision": "accept"})


def test_the_township_list_is_read_from_the_environment():
    env = {"ONEWINDOW_DATA_DIR": "/tmp/ow-townships", "ONEWINDOW_TOWNSHIPS": " 城关镇,溪口镇，白云街道、城关镇,, "}
    assert load_settings(env).townships == TOWNSHIPS, "commas of either kind, blanks and repeats dropped"
    assert load_settings({"ONEWINDOW_DATA_DIR": "/tmp/ow-townships"}).townships == ()


def test_a_case_records_a_township_from_the_list(api):
    created = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu", "township": "溪口镇"})
    detail = api.json("GET", f"/applications/{created['id']}", "applicant")
    assert detail["township"] == "溪口镇"
    refused = api.json("POST", "/applications", "applicant", 400, json={"service_code": "minsu", "township": "火星镇"})
    assert refused["error"]["details"] == {"field": "township", "allowed": list(TOWNSHIPS)}
    walk_in = {
        "service_code": "minsu",
        "township": "白云街道",
        "applicant": {"name": "陈建国", "id_number": "330127197603011619", "phone": "13967154321"},
    }
    walk_in_id = api.json("POST", "/applications", "clerk", 201, json=walk_in)["id"]
    assert api.json("GET", f"/applications/{walk_in_id}", "clerk")["township"] == "白云街道"


def test_the_township_is_changed_with_the_form_and_validated(api):
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    assert api.json("GET", f"/applications/{app_id}", "applicant")["township"] is None
    patched = api.json("PATCH", f"/applications/{app_id}", "applicant", json={"township": "城关镇"})
    assert patched["township"] == "城关镇" and patched["events"][-1]["data"] == {"township": "城关镇"}
    api.json("PATCH", f"/applications/{app_id}", "applicant", 400, json={"township": "不存在乡"})
    form_only = api.json("PATCH", f"/applications/{app_id}", "applicant", json={"form": {"rooms": 6}})
    assert form_only["township"] == "城关镇" and form_only["form"]["rooms"] == 6
    assert api.json("PATCH", f"/applications/{app_id}", "applicant", json={"township": ""})["township"] is None


def test_cases_are_listed_by_township(api):
    ids = {
        t: api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu", "township": t})["id"]
        for t in ("城关镇", "溪口镇")
    }
    listed = api.json("GET", "/applications?township=溪口镇", "clerk")
    assert [item["id"] for item in listed["items"]] == [ids["溪口镇"]] and listed["total"] == 1
    assert listed["items"][0]["township"] == "溪口镇"
    assert api.json("GET", "/applications?township=白云街道", "supervisor")["total"] == 0
    assert api.json("GET", "/applications", "clerk")["total"] == 2


def _grid(runtime) -> dict[str, tuple[int, int, int, str]]:
    with runtime.db.session() as session:
        user = session.scalar(select(User).where(User.username == "supervisor"))
        data = supervision.summary(session, user, townships=TOWNSHIPS)
    return {t["township"]: (t["open"], t["warning"], t["overdue"], t["level"]) for t in data["by_township"]}


def test_the_grid_counts_open_warning_and_overdue_cases_per_township(api, runtime, minsu_files):
    """minsu promises 5 working days: 4 used is a warning (80 %), 6 is overdue."""
    townships = ["溪口镇", "溪口镇", "白云街道", "城关镇", None]
    first, second, baiyun, chengguan, nowhere = [_submitted(api, minsu_files, t) for t in townships]
    api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu", "township": "城关镇"})
    with time_machine.travel(day(7), tick=False) as traveller:  # Monday
        _accept(api, first)
        traveller.move_to(day(9))  # Wednesday
        _accept(api, second)
        _accept(api, baiyun)
        traveller.move_to(day(10))  # Thursday
        _accept(api, chengguan)
        _accept(api, nowhere)
        assert _grid(runtime) == {
            "城关镇": (1, 0, 0, "green"),
            "溪口镇": (2, 0, 0, "green"),
            "白云街道": (1, 0, 0, "green"),
            "": (1, 0, 0, "green"),
        }, "a draft is not an open case; the tile of no township comes last"

        traveller.move_to(day(15))  # Tuesday of the next week
        grid = _grid(runtime)
        assert list(grid) == ["城关镇", "溪口镇", "白云街道", ""], "in the configured order"
        assert grid["溪口镇"] == (2, 1, 1, "red"), "6 days used by the first, 4 by the second"
        assert grid["白云街道"] == (1, 1, 0, "yellow")
        assert grid["城关镇"] == (1, 0, 0, "green"), "3 days used"

        api.json("POST", f"/applications/{first}/route", "clerk", json={"departments": ["wlj"]})
        api.json("POST", f"/applications/{first}/decision", "officer-wlj", json={"outcome": "denied", "note": "不符合"})
        assert _grid(runtime)["溪口镇"] == (1, 1, 0, "yellow"), "a decided case is no longer open"


def test_an_empty_township_list_draws_no_grid_but_the_cases_of_none(api, runtime, minsu_files):
    _accept(api, _submitted(api, minsu_files, "溪口镇"))
    with runtime.db.session() as session:
        user = session.scalar(select(User).where(User.username == "supervisor"))
        assert supervision.summary(session, user)["by_township"] == [
            {"township": "", "open": 1, "warning": 0, "overdue": 0, "level": "green"}
        ], "with no list configured every case is of no listed township"
