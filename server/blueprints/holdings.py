"""The applicant's own archive: 我的证照 (their e-licences) and 我的档案 (their dossiers and each file's level)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..models import User
from ..services.archive import access, holdings
from ..services.cases import policy
from ..web.access import require_sign_in, web_user
from ..web.context import db_session, runtime
from ..web.paging import paging
from ..web.ranges import send_archived

bp = Blueprint("holdings", __name__)
require_sign_in(bp)


def _applicant() -> User:
    user = web_user()
    policy.require_role(user, "applicant", action="see one's own licences and dossiers")
    return user


@bp.get("/my/licences")
def my_licences():
    return render_template("holdings/licences.html", licences=holdings.my_licences(db_session(), _applicant()))


@bp.get("/my/dossiers")
def my_dossiers():
    page, per_page = paging()
    total, dossiers = holdings.my_dossiers(db_session(), _applicant(), page=page, per_page=per_page)
    return render_template("holdings/dossiers.html", dossiers=dossiers, total=total, page=page, per_page=per_page)


@bp.get("/my/dossiers/<dossier_id>/files/<file_id>")
def dossier_file(dossier_id: str, file_id: str):
    """The applicant's own copy; the read is logged like any other (an applicant needs no purpose)."""
    session, user = db_session(), _applicant()
    read = access.read_file(session, user, dossier_id, file_id, purpose="", remote_addr=request.remote_addr or "")
    session.commit()
    return send_archived(runtime().store, read)
