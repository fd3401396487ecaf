"""The department officer's pages: the routed queue with clock colours, previews, results, decision, completion."""

from __future__ import annotations

import io

from web_support import pdf_bytes

from server.models import Application


def test_only_officers_of_routed_departments(web, build):
    app_id = build(lambda b: b.in_progress("minsu", ["wlj", "gaj"], 0))
    for user in ("applicant", "clerk", "supervisor"):
        web.get(user, "/dept", 403)
    web.get("officer-wjj", f"/dept/cases/{app_id}", 404)
    assert app_id not in web.page("officer-wjj", "/dept")
    page = web.page("officer-gaj", f"/dept/cases/{app_id}")
    assert "本部门决定" in page and "pages/1-320.webp" in page


def test_queue_shows_the_clock_colour(web, build):
    late = build(lambda b: b.in_progress("minsu", ["wlj"], 7))
    near = build(lambda b: b.in_progress("food-grocery", ["wlj"], 4))
    fresh = build(lambda b: b.in_progress("special-trade", ["wlj"], 1))
    page = web.page("officer-wlj", "/dept")
    rows = {case: page.split(f"/dept/cases/{case}")[0].rsplit("<tr", 1)[1] for case in (late, near, fresh)}
    assert 'class="row-red"' in rows[late] and 'class="row-yellow"' in rows[near] and 'class="row-green"' in rows[fresh]
    assert "已超期" in page and "临近时限" in page


def test_result_upload_decision_and_completion(web, build, runtime):
    app_id = build(lambda b: b.in_progress("sole-trader", ["scjg"], 0))
    raw = web.xhr(
        "officer-scjg",
        "PUT",
        f"/dept/cases/{app_id}/results",
        201,
        data=pdf_bytes("营业执照"),
        headers={
            "Content-Type": "application/pdf",
            "X-Filename": "%E6%89%A7%E7%85%A7.pdf",
            "X-Result-Name": "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7",
        },
    ).get_json()
    assert raw["name"] == "营业执照"
    web.post(
        "officer-scjg",
        f"/dept/cases/{app_id}/results",
        {"name": "备案回执", "file": (io.BytesIO(pdf_bytes("回执")), "回执.pdf")},
        content_type="multipart/form-data",
    )
    web.xhr(
        "officer-gaj", "PUT", f"/dept/cases/{app_id}/results", 404, data=b"%PDF-1.4", headers={"X-Result-Name": "x"}
    )
    page = web.page("officer-scjg", f"/dept/cases/{app_id}")
    assert "执照.pdf" in page and "回执.pdf" in page
    denied = web.post("officer-scjg", f"/dept/cases/{app_id}/decide", {"outcome": "denied"}, expect=400)
    assert "须说明理由" in denied.get_data(as_text=True)
    web.post("officer-scjg", f"/dept/cases/{app_id}/decide", {"outcome": "approved", "note": "符合条件"})
    assert "办结并归档" in web.page("officer-scjg", f"/dept/cases/{app_id}")
    web.post("officer-scjg", f"/dept/cases/{app_id}/complete", {})
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app.status == "archived" and app.dossier_id
    assert "最近办结" in web.page("officer-scjg", "/dept")


def test_decision_waits_for_deferred_materials(web, build, runtime):
    def with_gap(b):
        from server.services.cases import handling, review

        app = b.submitted("minsu")
        [health] = [m for m in app.materials if m.slot == "health_certs"]
        health.current = False
        review.review(b.session, runtime, b.user("clerk"), app, decision="accept_with_gap")
        handling.route(b.session, b.user("clerk"), app, ["wlj"])
        return app

    app_id = build(with_gap)
    page = web.page("officer-wlj", f"/dept/cases/{app_id}")
    assert "容缺材料尚未补齐" in page and "从业人员健康证明" in page
    refused = web.post("officer-wlj", f"/dept/cases/{app_id}/decide", {"outcome": "approved"}, expect=409)
    assert "容缺材料尚未补齐" in refused.get_data(as_text=True)
