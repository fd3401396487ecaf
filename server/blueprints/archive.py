"""The archive pages (档案检索): search with highlights and facets, a dossier's files, logged reads.

Officers see their department's dossiers whole and other departments' shared
files; archivists see everything (``services.archive.access``). Reading a
file asks why, and every read is logged, as over the API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from indexers.models import MAX_RESULT_WINDOW

from ..errors import Forbidden, InvalidInput, Unavailable
from ..models import RETENTION_LABELS, Department, MaterialType, ServiceItem, User
from ..services.archive import access, access_requests, corrections, read_rules
from ..services.archive import search as archive_search
from ..vocabulary import Openness, Secrecy
from ..web import labels
from ..web.access import require_sign_in, web_user
from ..web.context import db_session, runtime
from ..web.paging import paging
from ..web.ranges import send_archived

bp = Blueprint("archive", __name__, url_prefix="/archive")
require_sign_in(bp)

PER_PAGE = 20
PARAMS = ("q", "from", "to", *archive_search.FILTERS)


def _addr() -> str:
    return request.remote_addr or ""


def _searcher() -> User:
    user = web_user()
    if user.role not in access.SEARCH_ROLES:
        raise Forbidden(_("只有部门审批人员和档案管理员可以检索档案"))
    return user


def _names() -> dict[str, dict[str, str]]:
    """Display names for the facet codes, including the documents the workflow itself files."""
    session = db_session()
    filed: dict[str, str] = {code: str(name) for code, name in labels.FILED.items()}
    return {
        "service": dict(session.execute(select(ServiceItem.code, ServiceItem.name)).all()),
        "department": dict(session.execute(select(Department.code, Department.name)).all()),
        "material_type": {**filed, **dict(session.execute(select(MaterialType.code, MaterialType.name)).all())},
    }


@bp.get("")
def search():
    """Without terms the newest visible dossiers are listed, so the page is never empty by default."""
    user = _searcher()
    params = {name: request.args.get(name, "").strip() for name in PARAMS}
    page, _per_page = paging(PER_PAGE)
    result, error, status = None, None, 200
    try:
        result = archive_search.search(
            db_session(), runtime().index, user, params, page=page, per_page=PER_PAGE, remote_addr=_addr()
        )
        db_session().commit()
    except (InvalidInput, Unavailable) as exc:
        error, status = exc, exc.status
    pages = min((result.total + PER_PAGE - 1) // PER_PAGE, MAX_RESULT_WINDOW // PER_PAGE) if result else 0

    def link(**changes: object) -> str:
        """This search with some parameters changed; a new filter starts again at page 1."""
        merged: dict[str, Any] = {**params, "page": page if "page" in changes else "", **changes}
        return url_for("archive.search", **{k: v for k, v in merged.items() if v not in ("", None)})

    return render_template(
        "archive/search.html",
        params=params,
        result=result,
        error=error,
        page=page,
        pages=pages,
        names=_names(),
        user=user,
        link=link,
    ), status


@bp.get("/dossiers/<dossier_id>")
def dossier(dossier_id: str):
    """Seen only through shared files, the page offers the grounds a read needs: one of the officer's open
    cases of this applicant, or an access request for the applicant to approve."""
    session, user = db_session(), _searcher()
    view = access.view_dossier(session, user, dossier_id)
    return render_template(
        "archive/dossier.html",
        view=view,
        d=view.dossier,
        q=request.args.get("q", ""),
        retention=RETENTION_LABELS.get(view.dossier.retention, view.dossier.retention),
        cases=[] if view.whole else read_rules.open_cases(session, user, view.dossier),
        grant=None if view.whole else read_rules.active_grant(session, user, view.dossier),
        requests=[] if view.whole else access_requests.officer_requests(session, user, dossier_id),
        versions=corrections.version_history(session, view.dossier),
        can_correct=user.role == corrections.CORRECTOR_ROLE and not view.dossier.superseded,
        secrecy_levels=list(Secrecy),
        openness_levels=list(Openness),
    )


def _form_changes(old) -> dict[str, Any]:
    """The fields the archivist changed on the correction form (an unchanged field is no correction)."""
    form = request.form
    changes: dict[str, Any] = {}
    for name in ("title", "responsible", "secrecy", "openness"):
        value = form.get(name, "").strip()
        if value and value != getattr(old, name):
            changes[name] = value
    years = form.get("secrecy_years", "").strip()
    if years:
        changes["secrecy_years"] = int(years) if years.isdigit() else years
    return changes


@bp.post("/dossiers/<dossier_id>/corrections")
def correct(dossier_id: str):
    """An archivist's correction: the page of the new version follows, or the form again with the reason."""
    session, user = db_session(), _searcher()
    corrections.require_corrector(user)
    old = access.view_dossier(session, user, dossier_id).dossier
    correction = corrections.Correction(
        reason=request.form.get("reason", ""), changes=_form_changes(old), remove_files=request.form.getlist("remove")
    )
    try:
        dossier = corrections.correct(session, runtime(), user.display_name, dossier_id, correction)
    except InvalidInput as exc:
        session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("archive.dossier", dossier_id=dossier_id, _anchor="correction"), 303)
    session.commit()
    flash(_("已封存更正后的第 %(version)s 版，原版本保留不变。", version=dossier.version), "ok")
    return redirect(url_for("archive.dossier", dossier_id=dossier.id), 303)


@bp.post("/dossiers/<dossier_id>/access-requests")
def request_access(dossier_id: str):
    access_requests.file_request(db_session(), _searcher(), dossier_id, request.form.get("purpose", ""))
    db_session().commit()
    flash(_("调阅申请已发送给申请人，申请人同意后即可调阅。"), "ok")
    return redirect(url_for("archive.dossier", dossier_id=dossier_id), 303)


@bp.get("/dossiers/<dossier_id>/files/<file_id>")
def read_file(dossier_id: str, file_id: str):
    session, user = db_session(), _searcher()
    purpose = request.args.get("purpose", "").strip()
    if not purpose:
        access.file_in_view(access.view_dossier(session, user, dossier_id), file_id)
        flash(_("请先说明调阅目的，每次调阅都会记录"), "error")
        return redirect(url_for("archive.dossier", dossier_id=dossier_id))
    read = access.read_file(
        session,
        user,
        dossier_id,
        file_id,
        purpose=purpose,
        remote_addr=_addr(),
        application_id=request.args.get("application_id", "").strip() or None,
    )
    session.commit()
    return send_archived(runtime().store, read)
