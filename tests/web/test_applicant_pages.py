"""The applicant's pages: guide → apply → form with per-slot uploads → submit (409 list, 容缺) → status, rating."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select
from web_support import jpeg_bytes, pdf_bytes

from server.models import Application, Material
from server.services.cases import review


def _draft(web, service: str = "minsu") -> str:
    response = web.post(
        "applicant",
        f"/apply/{service}",
        {"business_name": "青山村民宿", "address": "临安区青山村十八号", "contact_phone": "13857101234"},
    )
    return re.search(r"/my/cases/(\w+)/edit", response.headers["Location"]).group(1)


def test_guide_offers_online_application(web):
    page = web.page(None, "/services/minsu")
    assert "在线申请" in page and 'href="/apply/minsu"' in page


def test_apply_needs_sign_in_and_comes_back(web):
    response = web.get(None, "/apply/minsu", 302)
    assert response.headers["Location"].startswith("/login?next=/apply/minsu")


def test_form_shows_one_upload_row_per_slot_with_its_rules(web, runtime):
    app_id = _draft(web)
    page = web.page("applicant", f"/my/cases/{app_id}/edit")
    assert page.count("data-upload-input") == 7
    for text in (
        "经营者身份证",
        "民宿平面布局图",
        "必要",
        "可容缺",
        "JPG / PNG / PDF",
        "≤ 10 MB",
        "≤ 30 MB",
        'role="progressbar"',
        'accept=".pdf"',
        "upload.js",
        "保存草稿",
        "尚缺以下必交材料",
    ):
        assert text in page, text
    with runtime.db.session() as session:
        assert session.get(Application, app_id).form == {
            "business_name": "青山村民宿",
            "address": "临安区青山村十八号",
            "contact_phone": "13857101234",
        }


def test_posts_need_the_csrf_token(web):
    client = web.client("applicant")
    assert client.post("/apply/minsu", data={"business_name": "x"}).status_code == 400
    app_id = _draft(web)
    no_header = client.post(
        f"/cases/{app_id}/uploads", json={"slot": "floor_plan", "size": 10}, headers={"Accept": "application/json"}
    )
    assert no_header.status_code == 400
    assert "CSRF" in no_header.get_json()["error"]["message"]
    assert client.post(f"/cases/{app_id}/submit").status_code == 400
    started = web.xhr(
        "applicant",
        "POST",
        f"/cases/{app_id}/uploads",
        201,
        json={"slot": "floor_plan", "filename": "a.pdf", "size": 10},
    ).get_json()
    assert (
        client.patch(
            f"/uploads/{started['upload_id']}",
            data=b"%PDF-1.4\n",
            headers={"Upload-Offset": "0", "Accept": "application/json"},
        ).status_code
        == 400
    )


def test_resumable_upload_goes_on_from_the_servers_offset(web, runtime):
    app_id = _draft(web)
    data = pdf_bytes("民宿平面布局图", pages=3) + b"\n" * 300_000  # trailing bytes after %%EOF are allowed
    started = web.xhr(
        "applicant",
        "POST",
        f"/cases/{app_id}/uploads",
        201,
        json={"slot": "floor_plan", "filename": "平面图.pdf", "size": len(data)},
    ).get_json()
    url = f"/uploads/{started['upload_id']}"
    first = web.xhr("applicant", "PATCH", url, 200, data=data[:262144], headers={"Upload-Offset": "0"}).get_json()
    assert first["offset"] == 262144 and not first["complete"]
    # the connection drops in the middle of the next chunk: the server kept what arrived
    web.xhr("applicant", "PATCH", url, 200, data=data[262144:300000], headers={"Upload-Offset": "262144"})
    assert web.xhr("applicant", "GET", url, 200).get_json()["offset"] == 300000
    stale = web.xhr("applicant", "PATCH", url, 409, data=data[262144:], headers={"Upload-Offset": "262144"})
    assert stale.get_json()["error"]["details"]["offset"] == 300000
    done = web.xhr("applicant", "PATCH", url, 201, data=data[300000:], headers={"Upload-Offset": "300000"}).get_json()
    assert done["complete"] and done["pages"] == 3 and done["name"] == "平面图.pdf"
    with runtime.db.session() as session:
        material = session.scalar(select(Material).where(Material.id == done["file_id"]))
        assert material.sha256 == hashlib.sha256(data).hexdigest()
    assert "平面图.pdf" in web.page("applicant", f"/my/cases/{app_id}/edit")
    web.xhr("applicant2", "GET", url, 404)
    unsigned = web.client(None).get(url, headers={"Accept": "application/json"})
    assert unsigned.status_code == 401 and unsigned.get_json()["error"]["code"] == "unauthorized"


def test_upload_refusals_come_back_as_json_the_script_can_show(web):
    app_id = _draft(web)
    wrong = web.upload_raw("applicant", app_id, "floor_plan", jpeg_bytes(), "平面图.pdf")
    assert wrong.status_code == 415
    assert "只接受 PDF" in wrong.get_json()["error"]["message"]
    too_big = web.xhr(
        "applicant",
        "POST",
        f"/cases/{app_id}/uploads",
        413,
        json={"slot": "applicant_id", "filename": "x.jpg", "size": 11 * 1024 * 1024},
    )
    assert too_big.get_json()["error"]["details"]["max_bytes"] == 10 * 1024 * 1024


def test_submit_lists_what_is_missing_then_accepts_an_undertaking(web, runtime):
    app_id = _draft(web)
    for slot, data, name in [
        ("applicant_id", jpeg_bytes(), "身份证.jpg"),
        ("business_licence", pdf_bytes("执照"), "执照.pdf"),
        ("property_proof", pdf_bytes("产权"), "产权.pdf"),
        ("floor_plan", pdf_bytes("平面"), "平面.pdf"),
    ]:
        web.upload("applicant", app_id, slot, data, name)
    missing = web.post("applicant", f"/cases/{app_id}/submit", {}, expect=409).get_data(as_text=True)
    assert "材料不齐全" in missing
    assert 'name="defer" value="fire_safety"' in missing and 'name="defer" value="health_certs"' in missing
    no_promise = web.post(
        "applicant", f"/cases/{app_id}/submit", {"defer": ["fire_safety", "health_certs"]}, expect=400
    )
    assert "承诺" in no_promise.get_data(as_text=True)
    done = web.post(
        "applicant",
        f"/cases/{app_id}/submit",
        {
            "defer": ["fire_safety", "health_certs"],
            "undertaking": "十个工作日内补交",
            "business_name": "青山村民宿二号",
        },
    )
    assert done.headers["Location"] == f"/my/cases/{app_id}"
    status = web.page("applicant", f"/my/cases/{app_id}")
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        assert app.status == "submitted" and app.gap_slots == ["fire_safety", "health_certs"]
        assert app.form["business_name"] == "青山村民宿二号"
        assert app.tracking_number in status
    for text in ("已提交", "提交申请", "撤回申请", "办理过程"):
        assert text in status, text


def test_draft_is_saved_and_listed_to_resume_later(web):
    app_id = _draft(web)
    web.post("applicant", f"/cases/{app_id}/form", {"business_name": "改过的名称"})
    assert 'value="改过的名称"' in web.page("applicant", f"/my/cases/{app_id}/edit")
    listing = web.page("applicant", "/my/cases")
    assert "继续填写" in listing and f"/my/cases/{app_id}/edit" in listing
    assert f"/my/cases/{app_id}" not in web.page("applicant2", "/my/cases")
    web.get("applicant2", f"/my/cases/{app_id}", 404)


def test_archived_materials_are_offered_for_reuse_after_a_preview_and_a_confirm_step(web, build, runtime):
    build(lambda b: b.completed("sole-trader", "scjg", 0, None))
    app_id = _draft(web, "food-grocery")
    page = web.page("applicant", f"/my/cases/{app_id}/edit")
    assert "档案中已有" in page and "预览并确认复用" in page
    file_id = re.search(rf'/cases/{app_id}/materials/legal_rep_id/reuse/(\w+)"', page).group(1)
    confirm = web.page("applicant", f"/cases/{app_id}/materials/legal_rep_id/reuse/{file_id}")
    assert f"/cases/{app_id}/offers/{file_id}/pages/1-1200.webp" in confirm and "确认复用" in confirm
    web.post("applicant", f"/cases/{app_id}/materials/legal_rep_id/reuse", {"file_id": file_id, "confirm": "1"})
    page = web.page("applicant", f"/my/cases/{app_id}/edit")
    assert "复用档案" in page
    with runtime.db.session() as session:
        [material] = session.get(Application, app_id).materials
        assert material.reused_from_file_id == file_id


def test_status_page_has_notices_results_and_rating(web, build, runtime):
    app_id = build(lambda b: b.completed("sole-trader", "scjg", 0, None))
    page = web.page("applicant", f"/my/cases/{app_id}")
    for text in ("已归档", "受理通知书", "办理结果", "许可证", "评价本次服务", 'name="score"'):
        assert text in page, text
    notice = re.search(r'href="(/cases/\w+/notices/\w+\.pdf)"', page).group(1)
    pdf = web.get("applicant", notice)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    result = re.search(r'href="(/cases/\w+/results/\w+)"', page).group(1)
    assert web.get("applicant", result).data.startswith(b"%PDF")
    web.get("applicant2", notice, 404)
    web.post("applicant", f"/my/cases/{app_id}/rating", {"score": "1", "comment": "窗口态度不好"})
    rated = web.page("applicant", f"/my/cases/{app_id}")
    assert "督办人员将跟进" in rated and "窗口态度不好" in rated and 'name="score"' not in rated
    web.post("applicant", f"/my/cases/{app_id}/rating", {"score": "9"}, expect=400)
    web.post("applicant", f"/my/cases/{app_id}/rating", {"score": "5"}, expect=409)


def test_results_wait_for_completion_and_gap_slots_upload_from_the_status_page(web, build, runtime):
    def accepted_with_gap(b):
        app = b.submitted("minsu")
        [health] = [m for m in app.materials if m.slot == "health_certs"]
        health.current = False
        review.review(b.session, runtime, b.user("clerk"), app, decision="accept_with_gap")
        return app

    app_id = build(accepted_with_gap)
    page = web.page("applicant", f"/my/cases/{app_id}")
    assert "容缺材料待补齐" in page and 'data-slot="health_certs"' in page and page.count("data-upload-input") == 1
    web.upload("applicant", app_id, "health_certs", jpeg_bytes(), "健康证.jpg")
    assert "容缺材料待补齐" not in web.page("applicant", f"/my/cases/{app_id}")


def test_withdraw_before_acceptance(web):
    app_id = _draft(web)
    web.post("applicant", f"/my/cases/{app_id}/withdraw", {"reason": "不办了"})
    assert "已撤回" in web.page("applicant", f"/my/cases/{app_id}")
    web.post("applicant", f"/my/cases/{app_id}/withdraw", {}, expect=409)


def test_staff_get_no_applicant_pages(web):
    web.get("clerk", "/my/cases", 403)
    web.get("officer-wlj", "/apply/minsu", 403)


def test_public_tracking_reveals_no_personal_data(web, build):
    app_id = build(lambda b: b.submitted("minsu"))
    page = web.page("applicant", f"/my/cases/{app_id}")
    tracking = re.search(r"<h1>(\w+)</h1>", page).group(1)
    found = web.page(None, f"/track?number={tracking}&phone_last4=1234")
    assert "已提交" in found and "开办民宿" in found
    assert "王丽华" not in found and "13857101234" not in found
    wrong = web.get(None, f"/track?number={tracking}&phone_last4=0000", 404).get_data(as_text=True)
    assert "未找到该受理编号" in wrong


def test_pages_speak_english_on_request(web, build):
    app_id = build(lambda b: b.submitted("minsu"))
    page = web.page("applicant", f"/my/cases/{app_id}?lang=en")
    for text in ("My applications", "Submitted", "Notices", "History"):
        assert text in page, text
