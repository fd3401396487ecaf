"""The applicant's pages: apply online, my cases, the form with uploads, the status page, withdraw, rate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import AppError, InvalidInput
from ..models import Application, User
from ..services import catalogue
from ..services.cases import applying, policy, queries, rating
from ..services.cases.clock import Calendar, clock_state
from ..vocabulary import NoticeKind
from ..web import formfields
from ..web.access import require_sign_in, web_user
from ..web.casepage import missing_rows, slot_rows
from ..web.context import db_session, runtime
from ..web.paging import paging

bp = Blueprint("applicant", __name__)
require_sign_in(bp)


def _applicant() -> User:
    user = web_user()
    policy.require_role(user, "applicant", action="use the applicant's pages")
    return user


def _case(app_id: str) -> Application:
    return queries.get_case(db_session(), _applicant(), app_id)


@bp.route("/apply/<code>", methods=["GET", "POST"])
def apply(code: str):
    user = _applicant()
    session = db_session()
    service = catalogue.get_service(session, code)
    if request.method == "POST":
        townships = runtime().settings.townships
        app = applying.create_draft(
            session,
            user,
            code,
            None,
            formfields.from_request(request.form),
            township=request.form.get("township", ""),
            townships=townships,
        )
        session.commit()
        flash(_("草稿已创建，请上传材料。"), "ok")
        return redirect(url_for("applicant.edit", app_id=app.id), 303)
    return render_template(
        "applicant/apply.html",
        service=service,
        fields=formfields.FIELDS,
        townships=runtime().settings.townships,
        user=user,
    )


@bp.get("/my/cases")
def my_cases():
    user = _applicant()
    page, per_page = paging()
    session = db_session()
    total, rows = queries.list_cases(
        session, user, status=None, service=None, overdue=None, page=page, per_page=per_page
    )
    editable = {a.id for a in rows if policy.may(user, a, policy.Action.EDIT_FORM)}
    return render_template(
        "applicant/list.html",
        cases=rows,
        total=total,
        page=page,
        per_page=per_page,
        editable=editable,
        calendar=Calendar.load(session),
        clock_state=clock_state,
    )


def edit_page(app: Application, *, error: AppError | None = None):
    """The form with one upload row per slot; ``error`` (a failed submit) is shown above the submit button."""
    user = web_user()
    session = db_session()
    body = render_template(
        "applicant/edit.html",
        app=app,
        rows=slot_rows(session, user, app, with_offers=True),
        missing=missing_rows(app),
        fields=formfields.FIELDS,
        error=error,
        chosen_defer=request.form.getlist("defer") if error else [],
        form_values=request.form if error else app.form,
    )
    return body, (error.status if error else 200)


@bp.get("/my/cases/<app_id>/edit")
def edit(app_id: str):
    user = _applicant()
    app = queries.get_case(db_session(), user, app_id)
    if not policy.may(user, app, policy.Action.EDIT_FORM):
        return redirect(url_for("applicant.status", app_id=app.id))
    return edit_page(app)


@bp.get("/my/cases/<app_id>")
def status(app_id: str):
    user = _applicant()
    session = db_session()
    app = queries.get_case(session, user, app_id)
    correction = next((n for n in reversed(app.notices) if n.kind == NoticeKind.CORRECTION), None)
    return render_template(
        "applicant/status.html",
        app=app,
        clock=clock_state(app, Calendar.load(session)),
        rows=slot_rows(session, user, app),
        correction=correction,
        allowed=policy.allowed_actions(user, app),
    )


@bp.post("/my/cases/<app_id>/withdraw")
def withdraw(app_id: str):
    user, app = _applicant(), _case(app_id)
    applying.withdraw(db_session(), user, app, request.form.get("reason", ""))
    db_session().commit()
    flash(_("申请已撤回。"), "ok")
    return redirect(url_for("applicant.status", app_id=app.id), 303)


@bp.post("/my/cases/<app_id>/rating")
def rate(app_id: str):
    user, app = _applicant(), _case(app_id)
    try:
        score = int(request.form.get("score", ""))
    except ValueError:
        raise InvalidInput("请选择1至5星 (choose 1 to 5 stars)", {"field": "score"}) from None
    row = rating.rate(db_session(), user, app, score, request.form.get("comment", ""))
    db_session().commit()
    flash(
        _("感谢您的评价！") if row.score > rating.LOW_SCORE else _("感谢您的评价，督办人员将跟进您反映的问题。"), "ok"
    )
    return redirect(url_for("applicant.status", app_id=app.id), 303)
