"""The applicant's access ledger (/my/access-ledger: every read of their files by others) and the officers'
access requests they answer (/my/access-requests)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..models import Dossier
from ..services.archive import access, access_requests
from ..web.access import require_sign_in, web_user
from ..web.context import db_session
from ..web.paging import paging

bp = Blueprint("ledger", __name__)
require_sign_in(bp)


@bp.get("/my/access-ledger")
def my_ledger():
    page, per_page = paging()
    total, lines = access.access_ledger(db_session(), web_user(), page=page, per_page=per_page)
    return render_template("ledger/access_ledger.html", lines=lines, total=total, page=page, per_page=per_page)


@bp.get("/my/access-requests")
def my_requests():
    session = db_session()
    page, per_page = paging()
    total, rows = access_requests.requests_of(session, web_user(), page=page, per_page=per_page)
    dossiers = {row.dossier_id: session.get(Dossier, row.dossier_id) for row in rows}
    return render_template(
        "ledger/access_requests.html",
        rows=rows,
        dossiers=dossiers,
        total=total,
        page=page,
        per_page=per_page,
        grant_days=access_requests.GRANT_DAYS,
    )


def _answer(request_id: str, approve: bool):
    access_requests.answer(db_session(), web_user(), request_id, approve=approve)
    db_session().commit()
    if approve:
        flash(_("已同意调阅申请，该人员可在 %(days)d 天内调阅。", days=access_requests.GRANT_DAYS), "ok")
    else:
        flash(_("已拒绝调阅申请。"), "ok")
    return redirect(url_for("ledger.my_requests"), 303)


@bp.post("/my/access-requests/<request_id>/approve")
def approve(request_id: str):
    return _answer(request_id, True)


@bp.post("/my/access-requests/<request_id>/refuse")
def refuse(request_id: str):
    return _answer(request_id, False)
