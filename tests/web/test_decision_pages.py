"""The pages of decisions on paper and of the grid: each department's decision shown per part, the delivery
form on the clerk's and the officer's case pages, the township chosen when applying, and the supervisor's
grid of townships with each tile linking to that township's cases."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select
from web_support import pdf_bytes

from server.models import Application, utcnow
from server.services.cases import handling
from server.timeutil import local

TOWNSHIPS = ("锦城街道", "太湖源镇", "於潜镇")


@pytest.fixture
def settings(settings):
    return settings.with_overrides(townships=TOWNSHIPS)


def _joint_partly_approved(b):
    app = b.in_progress("minsu", ["wlj", "xfjy"], 1)
    wlj, xfjy = b.user("officer-wlj"), b.user("officer-xfjy")
    handling.upload_result(b.session, b.runtime, wlj, app, "民宿登记证", io.BytesIO(pdf_bytes("证")), "证.pdf")
    handling.decide(b.session, wlj, app, "approved", "符合条件")
    handling.decide(b.session, xfjy, app, "denied", "消防通道被占用")
    return app


def test_each_departments_decision_is_shown_on_every_case_page(web, build):
    app_id = build(_joint_partly_approved)
    for user, path in (
        ("clerk", f"/counter/cases/{app_id}"),
        ("officer-wlj", f"/dept/cases/{app_id}"),
        ("supervisor", f"/supervision/cases/{app_id}"),
        ("applicant", f"/my/cases/{app_id}"),
    ):
        page = web.page(user, path)
        parts = page.split('id="part-xfjy"')[1].split("</li>")[0]
        assert "不予" in parts and "消防通道被占用" in parts, user
        assert "符合条件" in page.split('id="part-wlj"')[1].split("</li>")[0], user
        assert "部分准予" in page and "不予许可决定书" in page, user


def test_the_delivery_form_records_the_delivery_on_the_counter_page(web, build, runtime):
    app_id = build(_joint_partly_approved)
    page = web.page("clerk", f"/counter/cases/{app_id}")
    form = page.split('id="deliver"')[1].split("</section>")[0]
    today = local(utcnow()).date().isoformat()
    assert f'value="{today}"' in form and 'value="post"' in form and "邮寄送达" in form
    assert 'id="deliver"' in web.page("officer-wlj", f"/dept/cases/{app_id}")

    refused = web.post("clerk", f"/counter/cases/{app_id}/delivery", {"method": "post", "date": "2099-01-01"}, 400)
    assert "送达日期不能晚于今天" in refused.get_data(as_text=True)
    bad = web.post("clerk", f"/counter/cases/{app_id}/delivery", {"method": "post", "date": "昨天"}, 400)
    assert "送达日期须为日期" in bad.get_data(as_text=True)
    web.post("clerk", f"/counter/cases/{app_id}/delivery", {"method": "post", "date": today, "note": "EMS 9876"})
    page = web.page("clerk", f"/counter/cases/{app_id}")
    shown = page.split('id="delivery"')[1].split("</dl>")[0]
    assert "邮寄送达" in shown and today in shown and "EMS 9876" in shown
    assert 'id="deliver"' not in page, "recorded once: the form is gone"
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert (app.delivery_method, app.delivery_date.isoformat()) == ("post", today)
    assert "邮寄送达" in web.page("applicant", f"/my/cases/{app_id}")


def test_the_officer_records_a_delivery_too(web, build):
    app_id = build(_joint_partly_approved)
    today = local(utcnow()).date().isoformat()
    web.post("officer-wlj", f"/dept/cases/{app_id}/delivery", {"method": "electronic", "date": today})
    assert "电子送达" in web.page("officer-wlj", f"/dept/cases/{app_id}").split('id="delivery"')[1]


def test_the_township_is_chosen_when_applying_online_and_at_the_window(web, runtime):
    page = web.page("applicant", "/apply/minsu")
    options = re.findall(r'<option value="([^"]*)"', page.split('name="township"')[1].split("</select>")[0])
    assert options == ["", *TOWNSHIPS]
    web.post("applicant", "/apply/minsu", {"township": "太湖源镇", "business_name": "太湖源农家乐"})
    assert 'name="township"' in web.page("clerk", "/counter/walk-in")
    web.post(
        "clerk",
        "/counter/walk-in",
        {
            "service_code": "minsu",
            "name": "陈建国",
            "id_number": "330127197603011619",
            "phone": "13967154321",
            "township": "於潜镇",
        },
    )
    refused = web.post(
        "clerk",
        "/counter/walk-in",
        {"service_code": "minsu", "name": "陈建国", "id_number": "330127197603011619", "township": "月球镇"},
        400,
    )
    assert "不在本地列表中" in refused.get_data(as_text=True)
    with runtime.db.session() as session:
        assert sorted(session.scalars(select(Application.township))) == ["太湖源镇", "於潜镇"]


def test_the_grid_tiles_link_to_each_townships_cases(web, build):
    def case_in(township: str, days: int, service: str = "minsu"):
        def steps(b):
            app = b.in_progress(service, ["wlj"], days)
            app.township = township
            return app

        return steps

    late = build(case_in("锦城街道", 7))  # 7 of 5 working days: red
    near = build(case_in("太湖源镇", 4))  # 4 of 5: yellow
    build(case_in("太湖源镇", 1))
    page = web.page("supervisor", "/supervision")
    grid = page.split('id="townships"')[1].split("</section>")[0]
    tiles = {name: level for level, name in re.findall(r'<li class="tile tile-(\w+)" data-township="([^"]*)"', grid)}
    assert tiles == {"锦城街道": "red", "太湖源镇": "yellow", "於潜镇": "none"}
    jincheng = grid.split('data-township="锦城街道"')[1].split("</li>")[0]
    assert 'href="/supervision/cases?township=%E9%94%A6%E5%9F%8E%E8%A1%97%E9%81%93"' in jincheng
    assert 'data-api="/api/v1/applications?township=%E9%94%A6%E5%9F%8E%E8%A1%97%E9%81%93"' in jincheng
    assert re.search(r'<span class="tile-n"[^>]*>1</span>', jincheng)
    taihu = grid.split('data-township="太湖源镇"')[1].split("</li>")[0]
    assert re.search(r'<span class="tile-n"[^>]*>2</span>', taihu) and "预警 1 · 超期 0" in taihu

    listed = web.page("supervisor", "/supervision/cases?township=太湖源镇")
    assert f"/supervision/cases/{near}" in listed and f"/supervision/cases/{late}" not in listed
    assert "共 2 件" in listed
    assert "暂无办件" in web.page("supervisor", "/supervision/cases?township=於潜镇")
    web.get("clerk", "/supervision/cases?township=太湖源镇", 403)
