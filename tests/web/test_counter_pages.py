"""The window clerk's pages: queue, walk-in intake, review next to page previews, correction, acceptance, routing."""

from __future__ import annotations

import io
import re

from sqlalchemy import select
from web_support import jpeg_bytes, pdf_bytes

from server.models import Application, Material, User
from server.services.cases import handling
from server.services.object_keys import material_preview_key


def test_only_clerks_work_the_window(web):
    assert web.get(None, "/counter", 302).headers["Location"].startswith("/login?next=/counter")
    for user in ("applicant", "officer-wlj", "supervisor"):
        web.get(user, "/counter", 403)
    assert "窗口受理" in web.page("clerk", "/counter")


def test_queue_lists_submitted_cases(web, build, runtime):
    app_id = build(lambda b: b.submitted("minsu"))
    page = web.page("clerk", "/counter")
    with runtime.db.session() as session:
        tracking = session.get(Application, app_id).tracking_number
    queue = page.split('id="queue-submitted"')[1].split("</section>")[0]
    assert tracking in queue and f"/counter/cases/{app_id}" in queue and "王丽华" in queue


def test_review_page_shows_page_previews_next_to_verdicts(web, build, runtime):
    app_id = build(lambda b: b.submitted("minsu"))
    page = web.page("clerk", f"/counter/cases/{app_id}")
    for slot in ("applicant_id", "business_licence", "floor_plan"):
        assert f'name="verdict-{slot}" value="ok"' in page and f'name="reason-{slot}"' in page
    for decision in ("accept", "accept_with_gap", "correct", "reject"):
        assert f'name="decision" value="{decision}"' in page
    thumbs = re.findall(r'src="(/cases/\w+/materials/(\w+)/pages/1-320\.webp)"', page)
    assert len(thumbs) == 6
    url, material_id = thumbs[0]
    first = web.get("clerk", url)
    assert first.mimetype == "image/webp" and first.data[:4] == b"RIFF" and first.data[8:12] == b"WEBP"
    assert runtime.store.exists(material_preview_key(material_id, 1, 320)), "the preview is cached in object storage"
    assert web.get("clerk", url).data == first.data
    big = web.get("clerk", url.replace("-320.webp", "-1200.webp"))
    assert big.mimetype == "image/webp" and len(big.data) > len(first.data) // 2
    web.get("clerk", url.replace("-320.webp", "-999.webp"), 404)
    web.get("clerk", url.replace("/pages/1-", "/pages/9-"), 404)
    web.get("applicant2", url, 404)
    web.get("officer-wlj", url, 404)
    assert web.get("applicant", url).mimetype == "image/webp", "the applicant sees their own previews"


def test_one_time_correction_lists_every_failed_slot(web, build, runtime):
    app_id = build(lambda b: b.submitted("minsu"))
    no_reason = web.post(
        "clerk", f"/counter/cases/{app_id}/review", {"decision": "correct", "verdict-floor_plan": "bad"}, expect=400
    ).get_data(as_text=True)
    assert "须说明原因" in no_reason and 'name="verdict-floor_plan" value="bad" checked' in no_reason
    web.post(
        "clerk",
        f"/counter/cases/{app_id}/review",
        {
            "decision": "correct",
            "verdict-floor_plan": "bad",
            "reason-floor_plan": "未标明安全出口",
            "verdict-property_proof": "bad",
            "reason-property_proof": "复印件不清晰",
            "verdict-applicant_id": "ok",
        },
    )
    page = web.page("clerk", f"/counter/cases/{app_id}")
    assert "已发出一次性告知" in page and "补正材料一次性告知书" in page
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app.status == "needs_correction"
        [notice] = app.notices
        assert {i["slot"]: i["reason"] for i in notice.items} == {
            "floor_plan": "未标明安全出口",
            "property_proof": "复印件不清晰",
        }
    assert "未标明安全出口" in web.page("applicant", f"/my/cases/{app_id}/edit")


def test_refused_decisions_come_back_on_the_page_with_the_reason(web, build, runtime):
    def missing_key(b):
        app = b.submitted("minsu")
        [plan] = [m for m in app.materials if m.slot == "floor_plan"]
        plan.current = False
        return app

    app_id = build(missing_key)
    page = web.post("clerk", f"/counter/cases/{app_id}/review", {"decision": "accept"}, expect=409)
    text = page.get_data(as_text=True)
    assert "必要材料不齐全" in text and "民宿平面布局图" in text
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app.status == "submitted"
        assert all(m.verdict_ok is None for m in app.materials), "a refused decision records nothing"


def test_accept_then_route_with_the_default_departments(web, build, runtime):
    app_id = build(lambda b: b.submitted("minsu"))
    web.post("clerk", f"/counter/cases/{app_id}/review", {"decision": "accept", "note": "材料齐全"})
    page = web.page("clerk", f"/counter/cases/{app_id}")
    checked = set(re.findall(r'name="departments" value="(\w+)" checked', page))
    assert checked == {"wlj", "scjg", "gaj", "xfjy", "wjj"}
    assert "受理通知书" in page and "clock-green" in page
    web.post("clerk", f"/counter/cases/{app_id}/route", {"departments": ["wlj", "gaj"]})
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app.status == "in_progress"
        assert sorted(p.department.code for p in app.parts) == ["gaj", "wlj"]
    web.post("clerk", f"/counter/cases/{app_id}/route", {"departments": ["wlj"]}, expect=409)


def test_walk_in_case_with_scans_submitted_by_the_clerk(web, runtime):
    bad = web.post(
        "clerk", "/counter/walk-in", {"service_code": "sole-trader", "name": "张三", "id_number": "123"}, expect=400
    ).get_data(as_text=True)
    assert "18位居民身份证号码" in bad and 'value="张三"' in bad
    done = web.post(
        "clerk",
        "/counter/walk-in",
        {
            "service_code": "sole-trader",
            "name": "张三",
            "id_number": "330127199001011231",
            "phone": "13800001111",
            "business_name": "张三小吃店",
        },
    )
    app_id = done.headers["Location"].rsplit("/", 1)[1]
    page = web.page("clerk", f"/counter/cases/{app_id}")
    assert page.count("data-upload-input") == 3 and "张三小吃店" in page
    for slot, data, name in [
        ("application_form", pdf_bytes("申请书"), "申请书.pdf"),
        ("operator_id", jpeg_bytes(), "身份证.jpg"),
        ("premises_proof", pdf_bytes("租赁"), "租赁.pdf"),
    ]:
        web.upload("clerk", app_id, slot, data, name)
    web.post("clerk", f"/cases/{app_id}/submit", {})
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert (app.status, app.channel, app.applicant_user_id) == ("submitted", "window", None)
        assert {m.uploaded_by_id for m in session.scalars(select(Material).where(Material.application_id == app_id))}
    assert 'name="decision" value="accept"' in web.page("clerk", f"/counter/cases/{app_id}")


def test_clerk_completes_a_decided_case(web, build, runtime):
    def decided(b):
        app = b.in_progress("sole-trader", ["scjg"], 0)
        officer = b.user("officer-scjg")
        handling.upload_result(b.session, runtime, officer, app, "营业执照", io.BytesIO(pdf_bytes("执照")), "执照.pdf")
        handling.decide(b.session, officer, app, "approved")
        return app

    app_id = build(decided)
    assert "办结并归档" in web.page("clerk", f"/counter/cases/{app_id}")
    web.post("clerk", f"/counter/cases/{app_id}/complete", {})
    assert "已归档" in web.page("clerk", f"/counter/cases/{app_id}")


def test_the_walk_in_draft_queue_is_filtered_before_paging(web, build, runtime):
    """Only the window's own drafts are the clerk's to finish; the filter is in the query, so totals and pages hold."""
    from scenario import PERSON

    from server.services.cases import applying, queries
    from server.vocabulary import Channel, Status

    def drafts(b):
        window = [applying.create_draft(b.session, b.user("clerk"), "minsu", PERSON, {}).id for _ in range(3)]
        online = [applying.create_draft(b.session, b.user("applicant"), "minsu", None, {}).id for _ in range(4)]
        return window, online

    window, online = build(drafts)
    with runtime.db.session() as session:
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        pages = [
            queries.list_cases(
                session,
                clerk,
                status=(Status.DRAFT,),
                service=None,
                overdue=None,
                page=page,
                per_page=2,
                channel=Channel.WINDOW,
            )
            for page in (1, 2)
        ]
        assert [total for total, _rows in pages] == [3, 3]
        assert [len(rows) for _total, rows in pages] == [2, 1]
        assert sorted(a.id for _total, rows in pages for a in rows) == sorted(window)
    section = web.page("clerk", "/counter").split('id="queue-draft"')[1].split("</section>")[0]
    assert '<span class="count">3</span>' in section
    assert all(app_id in section for app_id in window) and not any(app_id in section for app_id in online)
