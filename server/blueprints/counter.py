"""The window clerk's pages (窗口受理): the queue, walk-in intake, review with page previews, routing, completion."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import AppError, InvalidInput
from ..models import Application, User, utcnow
from ..services import catalogue
from ..services.cases import applying, deemed, gaps, handling, policy, queries, review
from ..services.cases.clock import Calendar, clock_state
from ..timeutil import local
from ..vocabulary import Channel, Status
from ..web import formfields, time_limit_forms
from ..web.access import require_sign_in, web_user
from ..web.actions import run_action
from ..web.casepage import missing_rows, slot_rows
from ..web.context import db_session, runtime
from ..web.delivery_form import deliver_from_form

bp = Blueprint("counter", __name__, url_prefix="/counter")
require_sign_in(bp)

# Each queue: its statuses, its title, and the channel it is limited to (drafts: only the window's own).
QUEUES = (
    ((Status.SUBMITTED,), _l("待受理"), None),
    ((Status.ACCEPTED, Status.ACCEPTED_WITH_GAP), _l("待分流"), None),
    (policy.COMPLETABLE, _l("待办结"), None),
    ((Status.NEEDS_CORRECTION,), _l("待申请人补正"), None),
    ((Status.DRAFT,), _l("代办草稿"), Channel.WINDOW),
)
QUEUE_SIZE = 50


def _clerk() -> User:
    user = web_user()
    policy.require_role(user, "clerk", action="work at the window")
    return user


def _case(app_id: str) -> Application:
    return queries.get_case(db_session(), _clerk(), app_id)


@bp.get("")
def queue():
    user = _clerk()
    session = db_session()
    sections = []
    for statuses, title, channel in QUEUES:
        total, rows = queries.list_cases(
            session, user, status=statuses, service=None, overdue=None, page=1, per_page=QUEUE_SIZE, channel=channel
        )
        sections.append({"key": statuses[0].value, "title": title, "total": total, "cases": rows})
    late = gaps.awaiting_review(session, QUEUE_SIZE)
    sections.insert(2, {"key": "gap_review", "title": _l("容缺材料待核验"), "total": len(late), "cases": late})
    calendar = Calendar.load(session)
    today = local(utcnow()).date()
    return render_template(
        "counter/queue.html",
        sections=sections,
        calendar=calendar,
        clock_state=clock_state,
        deemed_near=lambda app: deemed.is_near(app, calendar, today),
    )


@bp.route("/walk-in", methods=["GET", "POST"])
def walk_in():
    """A case opened at the window for an applicant who came in person; the clerk scans their papers."""
    user = _clerk()
    session = db_session()
    services = catalogue.list_services(session)
    if request.method == "POST":
        person = {k: request.form.get(k, "") for k in ("name", "id_number", "phone")}
        try:
            app = applying.create_draft(
                session,
                user,
                request.form.get("service_code", ""),
                person,
                formfields.from_request(request.form),
                township=request.form.get("township", ""),
                townships=runtime().settings.townships,
            )
        except InvalidInput as error:
            session.rollback()
            return _walk_in_page(services, error, request.form), error.status
        session.commit()
        flash(_("已为来办人创建办件，请扫描上传材料。"), "ok")
        return redirect(url_for("counter.case", app_id=app.id), 303)
    return _walk_in_page(services, None, {"service_code": request.args.get("service", "")})


def _walk_in_page(services, error: AppError | None, values) -> str:
    return render_template(
        "counter/walk_in.html",
        services=services,
        fields=formfields.FIELDS,
        townships=runtime().settings.townships,
        error=error,
        values=values,
    )


def case_page(app: Application, *, error: AppError | None = None):
    """One page per case; what it offers follows the status: intake, review, routing or completion."""
    user = web_user()
    session = db_session()
    departments = catalogue.list_departments(session)
    default_route = {app.service.department.code, *app.service.cooperating}
    body = render_template(
        "counter/case.html",
        app=app,
        error=error,
        clock=clock_state(app, Calendar.load(session)),
        rows=slot_rows(session, user, app, with_offers=True),
        missing=missing_rows(app),
        fields=formfields.FIELDS,
        departments=departments,
        default_route=default_route,
        chosen_defer=request.form.getlist("defer") if error else [],
        form_values=request.form if error else app.form,
        posted=request.form if error else {},
        allowed=policy.allowed_actions(user, app),
        today=local(utcnow()).date().isoformat(),
    )
    return body, (error.status if error else 200)


@bp.get("/cases/<app_id>")
def case(app_id: str):
    return case_page(_case(app_id))


def _verdicts(app: Application) -> list[dict]:
    verdicts = []
    for slot in app.service.materials:
        choice = request.form.get(f"verdict-{slot.slot}", "")
        if choice in ("ok", "bad"):
            verdicts.append(
                {"slot": slot.slot, "ok": choice == "ok", "reason": request.form.get(f"reason-{slot.slot}", "").strip()}
            )
    return verdicts


def _gap_deadline() -> date | None:
    raw = request.form.get("gap_deadline", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            "容缺补齐期限须为日期 (the gap deadline must be a date)", {"field": "gap_deadline"}
        ) from None


def _act(app_id: str, action, done_message: str):
    """Runs one service call; a refusal the clerk can fix re-renders the case page with the reason."""
    user, app = _clerk(), _case(app_id)
    return run_action(
        lambda session: action(session, user, app),
        refused=lambda error: case_page(_case(app_id), error=error),
        done_message=done_message,
        done_url=url_for("counter.case", app_id=app_id),
    )


MESSAGES = {
    "accept": _l("已受理，受理通知书已生成。"),
    "accept_with_gap": _l("已容缺受理，容缺受理通知书已生成。"),
    "correct": _l("已发出一次性补正告知。"),
    "reject": _l("已作出不予受理决定。"),
}


@bp.post("/cases/<app_id>/review")
def review_case(app_id: str):
    decision = request.form.get("decision", "")
    return _act(
        app_id,
        lambda session, user, app: review.review(
            session,
            runtime(),
            user,
            app,
            decision=decision,
            verdicts=_verdicts(app),
            note=request.form.get("note", ""),
            gap_deadline=_gap_deadline(),
            gap_deadlines=time_limit_forms.gap_deadlines(),
        ),
        str(MESSAGES.get(decision, _("已处理。"))),
    )


@bp.post("/cases/<app_id>/route")
def route(app_id: str):
    return _act(
        app_id,
        lambda session, user, app: handling.route(
            session, user, app, request.form.getlist("departments"), request.form.get("note", "")
        ),
        _("已分流至承办部门。"),
    )


@bp.post("/cases/<app_id>/gaps/<slot>/review")
def review_gap(app_id: str, slot: str):
    return _act(app_id, time_limit_forms.review_gap(slot), _("容缺材料核验意见已记录。"))


@bp.post("/cases/<app_id>/suspend")
def suspend(app_id: str):
    return _act(app_id, time_limit_forms.suspend, _("已暂停计时，特别程序告知书已生成。"))


@bp.post("/cases/<app_id>/resume")
def resume(app_id: str):
    return _act(app_id, time_limit_forms.resume, _("已恢复计时。"))


@bp.post("/cases/<app_id>/delivery")
def deliver(app_id: str):
    return _act(app_id, deliver_from_form, _("送达已记录。"))


@bp.post("/cases/<app_id>/complete")
def complete(app_id: str):
    return _act(
        app_id,
        lambda session, user, app: handling.complete(session, runtime(), user, app, request.form.get("note", "")),
        _("已办结并归档。"),
    )
