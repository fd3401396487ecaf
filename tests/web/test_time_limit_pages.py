"""The law's clocks on the staff pages: late 容缺 material reviewed at the window, suspension by the
department, a supervisor's new deadline, and the warnings in the queue and on the dashboard."""

from __future__ import annotations

import io
from datetime import timedelta

from scenario import workdays_ago
from web_support import pdf_bytes

from server.models import Application, utcnow
from server.services.cases import applying, review
from server.services.cases.clock import Calendar
from server.timeutil import local


def _gap_case(b):
    """Accepted with the fire-safety certificate refused at the window, so it is owed (容缺)."""
    app = b.submitted("minsu")
    failed = [{"slot": "fire_safety", "ok": False, "reason": "已过期"}]
    review.review(b.session, b.runtime, b.user("clerk"), app, decision="accept_with_gap", verdicts=failed)
    return app


def test_the_clerk_reviews_late_material_on_the_case_page(web, build, runtime):
    app_id = build(_gap_case)
    build(
        lambda b: applying.upload_material(
            b.session,
            b.runtime,
            b.user("applicant"),
            b.session.get(Application, app_id),
            "fire_safety",
            io.BytesIO(pdf_bytes("消防安全检查合格证")),
            "消防.pdf",
        )
    )
    assert "容缺材料待核验" in web.page("clerk", "/counter")
    page = web.page("clerk", f"/counter/cases/{app_id}")
    assert "已补交待核验" in page and f"/counter/cases/{app_id}/gaps/fire_safety/review" in page
    web.post("clerk", f"/counter/cases/{app_id}/gaps/fire_safety/review", {"ok": "no", "reason": ""}, expect=400)
    web.post("clerk", f"/counter/cases/{app_id}/gaps/fire_safety/review", {"ok": "no", "reason": "无印章"})
    page = web.page("clerk", f"/counter/cases/{app_id}")
    assert "核验不合格" in page and "无印章" in page and "暂停计时" in page
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app.gap_items[0].status == "refused" and app.gap_slots == ["fire_safety"]


def test_the_department_suspends_and_resumes_the_clock(web, build, runtime):
    app_id = build(lambda b: b.in_progress("minsu", ["wlj"], 1))
    page = web.page("officer-wlj", f"/dept/cases/{app_id}")
    assert f"/dept/cases/{app_id}/suspend" in page and "现场核查" in page
    web.post("officer-wlj", f"/dept/cases/{app_id}/suspend", {"kind": "inspection", "reason": ""}, expect=400)
    web.post("officer-wlj", f"/dept/cases/{app_id}/suspend", {"kind": "inspection", "reason": "现场核查消防通道"})
    page = web.page("officer-wlj", f"/dept/cases/{app_id}")
    assert "特别程序中，暂停计时" in page and "特别程序告知书" in page
    web.post("officer-wlj", f"/dept/cases/{app_id}/resume", {"note": "核查完毕"})
    assert f"/dept/cases/{app_id}/suspend" in web.page("officer-wlj", f"/dept/cases/{app_id}")


def test_a_supervisor_sets_a_new_deadline_on_the_case_page(web, build, runtime):
    app_id = build(lambda b: b.in_progress("minsu", ["wlj"], 7))
    page = web.page("supervisor", f"/supervision/cases/{app_id}")
    assert f"/supervision/cases/{app_id}/deadline" in page
    with runtime.db.session() as session:
        calendar = Calendar.load(session)
    due = calendar.add_workdays(local(utcnow()).date(), 3)
    web.post("supervisor", f"/supervision/cases/{app_id}/deadline", {"due_date": due.isoformat(), "reason": ""}, 400)
    web.post("supervisor", f"/supervision/cases/{app_id}/deadline", {"due_date": due.isoformat(), "reason": "延期"})
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app.due_date == due and app.events[-1].action == "set_deadline"
    assert f"/supervision/cases/{app_id}/deadline" not in web.page("officer-wlj", f"/dept/cases/{app_id}")


def test_the_queue_and_the_dashboard_warn_before_deemed_acceptance(web, build, runtime):
    def nearly_deemed(b):
        app = b.submitted("minsu")
        app.submitted_at = workdays_ago(b.calendar, 4) - timedelta(hours=1)
        return app

    app_id = build(nearly_deemed)
    fresh = build(lambda b: b.submitted("minsu"))
    page = web.page("clerk", "/counter")
    row = page.split(f"/counter/cases/{app_id}")[1].split("</tr>")[0]
    assert "即将视为受理" in row
    assert "即将视为受理" not in page.split(f"/counter/cases/{fresh}")[1].split("</tr>")[0]
    dashboard = web.page("supervisor", "/supervision")
    assert 'id="kpi-deemed"><span class="kpi-n">1<' in dashboard and 'id="escalated"' in dashboard
