"""The department officer's pages (部门办理).

Cases routed to the department, materials, results, decision, completion.
"""

from __future__ import annotations

from urllib.parse import unquote

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import AppError, InvalidInput
from ..models import Application, User, utcnow
from ..services.cases import handling, licences, policy, queries
from ..services.cases.clock import Calendar, clock_state
from ..services.cases.decisions import AppealBodies
from ..timeutil import local
from ..vocabulary import Status
from ..web import licence_forms, time_limit_forms
from ..web.access import require_sign_in, web_user
from ..web.actions import run_action
from ..web.casepage import slot_rows
from ..web.context import db_session, runtime
from ..web.delivery_form import deliver_from_form

bp = Blueprint("department", __name__, url_prefix="/dept")
require_sign_in(bp)

QUEUE_SIZE = 50


def _officer() -> User:
    user = web_user()
    policy.require_role(user, "officer", action="work a department queue")
    return user


def _case(app_id: str) -> Application:
    return queries.get_case(db_session(), _officer(), app_id)


def my_part(user: User, app: Application):
    return next((p for p in app.parts if p.department_id == user.department_id), None)


@bp.get("")
def queue():
    user = _officer()
    session = db_session()
    _total, open_cases = queries.list_cases(
        session,
        user,
        status=(Status.IN_PROGRESS, *policy.COMPLETABLE),
        service=None,
        overdue=None,
        page=1,
        per_page=QUEUE_SIZE,
    )
    _total, done = queries.list_cases(
        session, user, status=(Status.COMPLETED, Status.ARCHIVED), service=None, overdue=None, page=1, per_page=10
    )
    todo = [a for a in open_cases if policy.may(user, a, policy.Action.DECIDE)]
    waiting = [a for a in open_cases if a not in todo]
    sections = [
        {"key": "todo", "title": _l("待本部门决定"), "cases": todo},
        {"key": "waiting", "title": _l("本部门已决定"), "cases": waiting},
        {"key": "done", "title": _l("最近办结"), "cases": done},
    ]
    return render_template(
        "dept/queue.html",
        sections=sections,
        calendar=Calendar.load(session),
        clock_state=clock_state,
        my_part=my_part,
        user=user,
    )


def case_page(app: Application, *, error: AppError | None = None):
    user = web_user()
    session = db_session()
    body = render_template(
        "dept/case.html",
        app=app,
        error=error,
        licences=licence_forms.of_case(session, user, app),
        licence_types=licence_forms.types(session),
        part=my_part(user, app),
        clock=clock_state(app, Calendar.load(session)),
        rows=slot_rows(session, user, app),
        allowed=policy.allowed_actions(user, app),
        today=local(utcnow()).date().isoformat(),
    )
    return body, (error.status if error else 200)


@bp.get("/cases/<app_id>")
def case(app_id: str):
    return case_page(_case(app_id))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.route("/cases/<app_id>/results", methods=["POST", "PUT"])
def upload_result(app_id: str):
    """A form post (multipart), or the raw file from upload.js with X-Filename and X-Result-Name, for a progress bar."""
    user, app = _officer(), _case(app_id)
    if request.method == "PUT":
        stream, filename = request.stream, unquote(request.headers.get("X-Filename", ""))
        name = unquote(request.headers.get("X-Result-Name", ""))
    else:
        file = request.files.get("file")
        if file is None or not file.filename:
            raise InvalidInput("请选择结果文件 (choose the result file)", {"field": "file"})
        stream, filename, name = file.stream, file.filename, request.form.get("name", "")
    licence = licence_forms.facts(request.values)
    result = handling.upload_result(db_session(), runtime(), user, app, name, stream, filename, licence=licence)
    db_session().commit()
    if _wants_json():
        return {"id": result.id, "name": result.name, "size": result.size, "sha256": result.sha256}, 201
    flash(_("结果文件已上传：%(name)s", name=result.name), "ok")
    return redirect(url_for("department.case", app_id=app_id), 303)


def _act(app_id: str, action, done_message: str):
    user, app = _officer(), _case(app_id)
    return run_action(
        lambda session: action(session, user, app),
        refused=lambda error: case_page(_case(app_id), error=error),
        done_message=done_message,
        done_url=url_for("department.case", app_id=app_id),
    )


@bp.post("/cases/<app_id>/licences/<licence_id>/revoke")
def revoke_licence(app_id: str, licence_id: str):
    return _act(
        app_id,
        lambda session, user, app: licences.revoke(session, user, licence_id, request.form.get("reason", "")),
        _("电子证照已撤销，持证人将收到通知。"),
    )


@bp.post("/cases/<app_id>/decide")
def decide(app_id: str):
    outcome = request.form.get("outcome", "")
    return _act(
        app_id,
        lambda session, user, app: handling.decide(
            session, user, app, outcome, request.form.get("note", ""), appeal=AppealBodies.of(runtime().settings)
        ),
        _("本部门决定已记录。"),
    )


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
