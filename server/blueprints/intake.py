"""Filling a case in, for the applicant online or the clerk for a walk-in: form, resumable uploads, reuse, submit.

The upload endpoints speak JSON to server/static/upload.js (session cookie,
CSRF token in the X-CSRFToken header); the rest are plain form posts. Which
page a form returns to depends on who is filling the case in.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import Conflict, InvalidInput
from ..models import Application, User
from ..services.cases import applying, policy, queries, resumable, reuse
from ..web import formfields
from ..web import resumable as uploads
from ..web.access import require_sign_in, web_user
from ..web.context import db_session
from . import applicant, counter

bp = Blueprint("intake", __name__)
require_sign_in(bp)


def _case(app_id: str) -> Application:
    return queries.get_case(db_session(), web_user(), app_id)


def case_page_url(user: User, app: Application) -> str:
    if user.role == "clerk":
        return url_for("counter.case", app_id=app.id)
    return url_for("applicant.edit", app_id=app.id)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("请求体须为 JSON 对象 (the request body must be a JSON object)")
    return body


@bp.post("/cases/<app_id>/uploads")
def start_upload(app_id: str):
    body = _json_body()
    return uploads.start(
        web_user(), app_id, str(body.get("slot", "")), str(body.get("filename") or ""), body.get("size")
    )


@bp.get("/uploads/<upload_id>")
def upload_status(upload_id: str):
    return uploads.status(web_user(), upload_id)


@bp.patch("/uploads/<upload_id>")
def append_upload(upload_id: str):
    offset = resumable.parse_offset(request.headers.get("Upload-Offset"))
    return uploads.append(web_user(), upload_id, offset, request.stream)


@bp.post("/cases/<app_id>/form")
def save_form(app_id: str):
    user, app = web_user(), _case(app_id)
    applying.update_form(db_session(), user, app, formfields.from_request(request.form))
    db_session().commit()
    flash(_("草稿已保存，可随时回来继续填写。"), "ok")
    return redirect(case_page_url(user, app), 303)


@bp.get("/cases/<app_id>/materials/<slot>/reuse/<file_id>")
def confirm_reuse(app_id: str, slot: str, file_id: str):
    """The confirm step: every page of the offered file and where it comes from, before anyone agrees."""
    user, app = web_user(), _case(app_id)
    offer = reuse.offer_of(db_session(), user, app, slot, file_id)
    return render_template(
        "cases/reuse_confirm.html",
        app=app,
        slot=applying.slot_of(app, slot),
        offer=offer,
        may_reuse=policy.may(user, app, policy.Action.REUSE),
        in_person=user.role == "clerk",
        back=case_page_url(user, app) + f"#slot-{slot}",
    )


@bp.post("/cases/<app_id>/materials/<slot>/reuse")
def reuse_material(app_id: str, slot: str):
    """Consent given on the confirm page; a post without it (or, at the window, without the clerk's word that
    the applicant agreed in person) goes back to that page."""
    user, app = web_user(), _case(app_id)
    file_id = request.form.get("file_id", "")
    confirm = url_for("intake.confirm_reuse", app_id=app.id, slot=slot, file_id=file_id)
    if request.form.get("confirm") != "1" or (user.role == "clerk" and request.form.get("in_person") != "1"):
        flash(_("请先预览材料并确认同意复用。"), "error")
        return redirect(confirm, 303)
    material = reuse.reuse_material(db_session(), user, app, slot, file_id)
    db_session().commit()
    flash(_("已复用档案中的材料：%(name)s", name=material.filename), "ok")
    return redirect(case_page_url(user, app) + f"#slot-{slot}", 303)


@bp.post("/cases/<app_id>/submit")
def submit(app_id: str):
    """Saves the form and submits; missing materials re-render the form with the list (409)."""
    user, app = web_user(), _case(app_id)
    session = db_session()
    fields = formfields.from_request(request.form)
    try:
        if fields:
            applying.update_form(session, user, app, fields)
        applying.submit(
            session, user, app, defer=request.form.getlist("defer"), undertaking=request.form.get("undertaking", "")
        )
    except (Conflict, InvalidInput) as error:
        session.rollback()
        page = counter.case_page if user.role == "clerk" else applicant.edit_page
        return page(_case(app_id), error=error)
    session.commit()
    flash(_("已提交，受理编号 %(number)s。窗口审核后会通知您。", number=app.tracking_number), "ok")
    if user.role == "clerk":
        return redirect(url_for("counter.case", app_id=app.id), 303)
    return redirect(url_for("applicant.status", app_id=app.id), 303)
