"""The reuse pages: an offer's preview and confirm step, the clerk's view of where a copy came from, consent
given in person at the window, the department's e-licence form and revocation, 我的证照 and 我的档案."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select
from web_support import pdf_bytes

from server.models import Application, Dossier, Licence, ReuseConsent, utcnow
from server.services.cases import handling, licences, review
from server.timeutil import local

PERSON = {"name": "王丽华", "id_number": "330127198805123429", "phone": "13857101234"}
NUMBER = "92330127MA2H3K4L5P"


def _licensed(b) -> Application:
    """个体工商户设立登记 for 王丽华: her ID card checked against the original, her 营业执照 issued as an e-licence."""
    app = b.submitted("sole-trader")
    clerk, officer = b.user("clerk"), b.user("officer-scjg")
    review.review(b.session, b.runtime, clerk, app, decision="accept", verdicts=[{"slot": "operator_id", "ok": True}])
    handling.route(b.session, clerk, app, ["scjg"])
    until = local(utcnow()).date() + timedelta(days=1825)
    facts = licences.LicenceFacts("business_licence", NUMBER, until)
    data = io.BytesIO(pdf_bytes("营业执照 青山村副食品店"))
    handling.upload_result(b.session, b.runtime, officer, app, "营业执照", data, "营业执照.pdf", licence=facts)
    handling.decide(b.session, officer, app, "approved", "符合条件")
    handling.complete(b.session, b.runtime, officer, app)
    return app


def _draft(web) -> str:
    response = web.post("applicant", "/apply/food-grocery", {"business_name": "青山村副食品店"})
    return re.search(r"/my/cases/(\w+)/edit", response.headers["Location"]).group(1)


def _offer(page: str, app_id: str, slot: str) -> str:
    return re.search(rf'/cases/{app_id}/materials/{slot}/reuse/(\w+)"', page).group(1)


def test_an_offer_is_previewed_and_confirmed_before_it_is_reused(web, build, runtime):
    build(_licensed)
    app_id = _draft(web)
    page = web.page("applicant", f"/my/cases/{app_id}/edit")
    file_id = _offer(page, app_id, "business_licence")
    offer = page.split(f'data-offer="{file_id}"')[1].split("</div>\n    </div>")[0]
    assert f"/cases/{app_id}/offers/{file_id}/pages/1-320.webp" in offer, "a thumbnail"
    assert "电子证照" in offer and NUMBER in offer and "有效期至" in offer
    thumb = web.get("applicant", f"/cases/{app_id}/offers/{file_id}/pages/1-320.webp")
    assert thumb.mimetype == "image/webp" and thumb.data[:4] == b"RIFF"

    confirm = web.page("applicant", f"/cases/{app_id}/materials/business_licence/reuse/{file_id}")
    assert f"/cases/{app_id}/offers/{file_id}/pages/1-1200.webp" in confirm, "the page preview"
    assert "市场监管局" in confirm and NUMBER in confirm and "我已查看上述材料，同意将其用于本次申请" in confirm
    unconfirmed = web.post("applicant", f"/cases/{app_id}/materials/business_licence/reuse", {"file_id": file_id})
    assert unconfirmed.headers["Location"].endswith(f"/reuse/{file_id}"), "no confirm: back to the confirm page"
    with runtime.db.session() as session:
        assert not session.get(Application, app_id).materials
    web.post("applicant", f"/cases/{app_id}/materials/business_licence/reuse", {"file_id": file_id, "confirm": "1"})
    with runtime.db.session() as session:
        [material] = session.get(Application, app_id).materials
        assert (material.level, material.reused_from_file_id) == ("issued", file_id)
        assert session.scalar(select(ReuseConsent.mode).where(ReuseConsent.application_id == app_id)) == "online"


def test_the_clerk_sees_where_each_copy_came_from_never_a_bare_id(web, build, runtime):
    build(_licensed)
    app_id = _draft(web)
    page = web.page("applicant", f"/my/cases/{app_id}/edit")
    for slot in ("business_licence", "legal_rep_id"):
        data = {"file_id": _offer(page, app_id, slot), "confirm": "1"}
        web.post("applicant", f"/cases/{app_id}/materials/{slot}/reuse", data)
    with runtime.db.session() as session:
        app = session.get(Application, app_id)
        for slot in app.service.materials:
            if slot.required and slot.slot not in ("business_licence", "legal_rep_id"):
                web.upload("applicant", app_id, slot.slot, pdf_bytes(slot.name), f"{slot.slot}.pdf")
        [dossier] = session.scalars(select(Dossier)).all()
        code, dossier_id = dossier.archival_code, dossier.id
    web.post("applicant", f"/cases/{app_id}/submit", {})
    review_page = web.page("clerk", f"/counter/cases/{app_id}")
    card = review_page.split('data-provenance="legal_rep_id"')[1].split("</dl>")[0]
    assert code in card and "已核验原件" in card and "李晓燕（综合窗口）" in card and "有效期至" in card
    assert "申请人本人网上确认" in card, "who agreed to the reuse"
    licence = review_page.split('data-provenance="business_licence"')[1].split("</dl>")[0]
    assert "电子证照" in licence and NUMBER in licence and "市场监管局" in licence
    uploaded = review_page.split('data-provenance="floor_plan"')[1].split("</dl>")[0]
    assert "申请人上传（未核验）" in uploaded and "未经原件核验" in uploaded
    assert dossier_id not in review_page and dossier_id[:8] not in review_page, "no internal id stands for a source"


def test_at_the_window_the_clerk_records_the_applicants_consent_in_person(web, build, runtime):
    build(_licensed)
    response = web.post("clerk", "/counter/walk-in", {"service_code": "food-grocery", **PERSON})
    app_id = re.search(r"/counter/cases/(\w+)", response.headers["Location"]).group(1)
    page = web.page("clerk", f"/counter/cases/{app_id}")
    file_id = _offer(page, app_id, "legal_rep_id")
    confirm = web.page("clerk", f"/cases/{app_id}/materials/legal_rep_id/reuse/{file_id}")
    assert "已在窗口当面同意复用此材料（以您的名义记录）" in confirm and 'name="in_person"' in confirm
    missing = web.post("clerk", f"/cases/{app_id}/materials/legal_rep_id/reuse", {"file_id": file_id, "confirm": "1"})
    assert missing.headers["Location"].endswith(f"/reuse/{file_id}"), "the clerk must say the applicant agreed"
    data = {"file_id": file_id, "confirm": "1", "in_person": "1"}
    web.post("clerk", f"/cases/{app_id}/materials/legal_rep_id/reuse", data)
    with runtime.db.session() as session:
        consent = session.scalar(select(ReuseConsent).where(ReuseConsent.application_id == app_id))
        assert (consent.mode, consent.recorded_by) == ("in_person", "李晓燕（综合窗口）")


def test_a_clerk_is_shown_no_consent_button_in_an_online_draft(web, build):
    build(_licensed)
    app_id = _draft(web)
    file_id = _offer(web.page("applicant", f"/my/cases/{app_id}/edit"), app_id, "legal_rep_id")
    confirm = web.page("clerk", f"/cases/{app_id}/materials/legal_rep_id/reuse/{file_id}")
    assert "窗口人员不能代为同意" in confirm and 'id="confirm-reuse"' not in confirm
    data = {"file_id": file_id, "confirm": "1", "in_person": "1"}
    web.post("clerk", f"/cases/{app_id}/materials/legal_rep_id/reuse", data, expect=403)


def test_the_department_issues_and_revokes_an_e_licence_on_its_pages(web, build, runtime):
    app_id = build(_licensed)
    page = web.page("officer-scjg", f"/dept/cases/{app_id}")
    assert NUMBER in page and "撤销电子证照" in page
    web.get("officer-wlj", f"/dept/cases/{app_id}", 404)
    with runtime.db.session() as session:
        licence_id = session.scalar(select(Licence.id))
    web.post("officer-scjg", f"/dept/cases/{app_id}/licences/{licence_id}/revoke", {"reason": "依法撤销"})
    with runtime.db.session() as session:
        assert session.get(Licence, licence_id).revoke_reason == "依法撤销"
    assert "已撤销" in web.page("applicant", "/my/licences")


def test_the_result_form_offers_the_licence_fields(web, build):
    app_id = build(lambda b: b.in_progress("sole-trader", ["scjg"], 0))
    page = web.page("officer-scjg", f"/dept/cases/{app_id}")
    form = page.split("data-result-upload")[1].split("</form>")[0]
    for field in ('name="licence_type"', 'name="licence_number"', 'name="valid_until"', 'value="business_licence"'):
        assert field in form, field


def test_my_licences_and_my_dossiers(web, build, runtime):
    build(_licensed)
    licences_page = web.page("applicant", "/my/licences")
    assert NUMBER in licences_page and "市场监管局" in licences_page and "有效" in licences_page
    dossiers = web.page("applicant", "/my/dossiers")
    with runtime.db.session() as session:
        code = session.scalar(select(Dossier.archival_code))
    assert code in dossiers and "已核验原件" in dossiers and "电子证照" in dossiers
    link = re.search(r'href="(/my/dossiers/\w+/files/\w+)"', dossiers).group(1)
    assert web.get("applicant", link).data
    web.get("applicant2", link, 404)
    nav = web.page("applicant", "/").split('class="rolenav"')[1].split("</nav>")[0]
    assert 'href="/my/licences"' in nav and 'href="/my/dossiers"' in nav
