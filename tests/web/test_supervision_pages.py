"""The supervision dashboard: the numbers match a scenario built through the services, as page, charts and JSON."""

from __future__ import annotations

import re

import pytest
import scenario
from sqlalchemy import select

from server.models import User
from server.services.cases import supervision
from server.web.charts import Bar, bar_chart


@pytest.fixture
def world(runtime, demo):
    return scenario.build(runtime)


def test_summary_numbers_match_the_scenario(runtime, world):
    expected, tracking = world
    with runtime.db.session() as session:
        user = session.scalar(select(User).where(User.username == "supervisor"))
        data = supervision.summary(session, user)
    assert {k: v for k, v in data["by_state"].items() if v} == expected.by_state
    assert set(data["by_state"]) >= {"draft", "rejected", "withdrawn"}, "every state is listed, zeros included"
    assert [r["tracking_number"] for r in data["overdue"]] == expected.overdue
    assert [r["tracking_number"] for r in data["warning"]] == expected.warning
    assert data["open_by_level"] == {"green": 1, "yellow": 1, "red": 1, "paused": 0}
    overdue = data["overdue"][0]
    assert (overdue["used_working_days"], overdue["limit_working_days"], overdue["level"]) == (7, 5, "red")
    assert sorted(overdue["departments"]) == ["gaj", "wlj"]
    assert {r["code"]: r["average_working_days"] for r in data["handling_time"]["by_service"]} == expected.by_service
    by_department = data["handling_time"]["by_department"]
    assert {r["code"]: r["average_working_days"] for r in by_department} == expected.by_department
    sole = next(r for r in data["handling_time"]["by_service"] if r["code"] == "sole-trader")
    assert (sole["cases"], sole["max_working_days"]) == (2, 3)
    ratings = data["ratings"]
    assert ratings["distribution"] == {str(k): v for k, v in expected.ratings.items()}
    assert ratings["count"] == 2 and ratings["average"] == 3.5
    assert [f["tracking_number"] for f in ratings["follow_ups"]] == expected.follow_ups


def test_only_supervisors_see_the_dashboard(web):
    for user in ("applicant", "clerk", "officer-wlj"):
        web.get(user, "/supervision", 403)
        web.get(user, "/supervision/summary.json", 403)
    web.get(None, "/supervision", 302)


def test_dashboard_page_and_json_show_the_same_numbers(web, world):
    expected, tracking = world
    page = web.page("supervisor", "/supervision")
    assert page.count('<svg class="chart"') == 4
    section = lambda name: page.split(f'id="{name}"')[1].split("</section>")[0]  # noqa: E731
    assert tracking["overdue"] in section("overdue") and tracking["warning"] not in section("overdue")
    assert tracking["warning"] in section("warning")
    assert tracking["slow"] in section("follow-ups") and "2 星" in section("follow-ups")
    assert re.search(r'id="kpi-overdue"><span class="kpi-n">1<', page)
    assert re.search(r'id="kpi-rating"><span class="kpi-n">3.5<', page)
    by_service = section("by-service")
    assert "个体工商户设立登记" in by_service and "2.0" in by_service
    assert "市场监管局" in section("by-department")
    as_json = web.get("supervisor", "/supervision/summary.json").get_json()
    assert [r["tracking_number"] for r in as_json["overdue"]] == expected.overdue
    assert as_json["ratings"]["average"] == 3.5
    case = web.page("supervisor", f"/supervision/cases/{as_json['overdue'][0]['id']}")
    assert "已超期" in case and "办理过程" in case


@pytest.mark.parametrize("user", ["supervisor", "admin"])
def test_every_case_linked_from_the_dashboard_opens(web, world, user):
    _expected, tracking = world
    page = web.page(user, "/supervision")
    links = sorted(set(re.findall(r'href="(/supervision/cases/\w+)"', page)))
    assert len(links) == 3, "the overdue, the warning and the follow-up case"
    pages = {link: web.page(user, link) for link in links}
    assert all("办理过程" in case for case in pages.values())
    [follow_up] = [link for link, case in pages.items() if tracking["slow"] in case]
    if user == "admin":  # read-only: sees the open follow-up, may not close it
        assert "待督办人员回访" in pages[follow_up] and 'name="note"' not in pages[follow_up]
        web.post("admin", f"{follow_up}/follow-up", {"note": "不是我的职责"}, expect=403)
    else:
        assert 'name="note"' in pages[follow_up]


def test_dashboard_in_english(web, world):
    page = web.page("supervisor", "/supervision?lang=en")
    for text in ("Supervision", "Overdue cases", "Cases by state", "Average handling time per service", "In progress"):
        assert text in page, text


def test_bar_chart_is_plain_escaped_svg():
    svg = str(bar_chart([Bar("<script>", 3), Bar("消防救援大队消防救援大队", 1.5, "bar-red")], title="t", unit="天"))
    assert svg.startswith('<svg class="chart"') and "<script>" not in svg and "&lt;script&gt;" in svg
    assert "3天" in svg and "1.5天" in svg and "…" in svg and 'class="bar-red"' in svg
    assert "暂无" in str(bar_chart([], title="t", empty="暂无"))


def test_supervisor_closes_a_low_rating_follow_up_on_the_case_page(web, runtime, world):
    with runtime.db.session() as session:
        user = session.scalar(select(User).where(User.username == "supervisor"))
        [follow_up] = supervision.summary(session, user)["ratings"]["follow_ups"]
    app_id = follow_up["application_id"]
    page = web.page("supervisor", f"/supervision/cases/{app_id}")
    assert "办结回访" in page and 'name="note"' in page

    empty = web.post("supervisor", f"/supervision/cases/{app_id}/follow-up", {"note": "  "}, expect=400)
    assert "请填写回访整改情况" in empty.get_data(as_text=True)
    web.post(
        "officer-wlj", f"/supervision/cases/{app_id}/follow-up", {"note": "不是我的职责"}, expect=404
    )  # not in scope

    done = web.post("supervisor", f"/supervision/cases/{app_id}/follow-up", {"note": "已电话回访，改进窗口指引"})
    assert done.headers["Location"].endswith("/supervision#follow-ups")
    assert 'id="kpi-followups"><span class="kpi-n">0<' in web.page("supervisor", "/supervision")
    closed = web.page("supervisor", f"/supervision/cases/{app_id}")
    assert "回访已办结：已电话回访，改进窗口指引" in closed and 'name="note"' not in closed
    web.post("supervisor", f"/supervision/cases/{app_id}/follow-up", {"note": "again"}, expect=409)
