"""The supervisor's dashboard (督办): clock warnings, handling times and ratings, with server-drawn charts."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import AppError
from ..services.cases import policy, queries, rating, supervision
from ..services.cases.clock import Calendar, clock_state
from ..vocabulary import Status
from ..web import labels, time_limit_forms
from ..web.access import require_sign_in, web_user
from ..web.actions import run_action
from ..web.casepage import slot_rows
from ..web.charts import Bar, bar_chart
from ..web.context import db_session, runtime
from ..web.paging import paging

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
require_sign_in(bp)

STATE_COLOURS = {
    Status.NEEDS_CORRECTION: "bar-amber",
    Status.REJECTED: "bar-grey",
    Status.WITHDRAWN: "bar-grey",
    Status.DENIED: "bar-grey",
    Status.ARCHIVED: "bar-green",
    Status.COMPLETED: "bar-green",
}
SCORE_COLOURS = {1: "bar-red", 2: "bar-red", 3: "bar-amber", 4: "bar-green", 5: "bar-green"}


def charts(data: dict) -> dict:
    """The dashboard's four charts from the summary's numbers."""
    by_state = [
        Bar(labels.label(labels.STATUS, s), data["by_state"][s], STATE_COLOURS.get(s, "bar-blue"))
        for s in Status
        if data["by_state"][s]
    ]
    times = data["handling_time"]
    dist = data["ratings"]["distribution"]
    return {
        "by_state": bar_chart(by_state, title=str(labels.CHART["by_state"]), empty=str(labels.CHART["empty"])),
        "by_service": bar_chart(
            [Bar(r["name"], r["average_working_days"]) for r in times["by_service"]],
            title=str(labels.CHART["by_service"]),
            unit=str(labels.CHART["days"]),
            empty=str(labels.CHART["empty"]),
        ),
        "by_department": bar_chart(
            [Bar(r["name"], r["average_working_days"], "bar-teal") for r in times["by_department"]],
            title=str(labels.CHART["by_department"]),
            unit=str(labels.CHART["days"]),
            empty=str(labels.CHART["empty"]),
        ),
        "ratings": bar_chart(
            [Bar("★" * int(s), dist[s], SCORE_COLOURS[int(s)]) for s in sorted(dist, reverse=True)],
            title=str(labels.CHART["ratings"]),
            empty=str(labels.CHART["empty"]),
        )
        if data["ratings"]["count"]
        else bar_chart([], title="", empty=str(labels.CHART["empty"])),
    }


def _summary() -> dict:
    return supervision.summary(db_session(), web_user(), townships=runtime().settings.townships)


@bp.get("")
def dashboard():
    data = _summary()
    return render_template("supervision/dashboard.html", data=data, charts=charts(data))


@bp.get("/summary.json")
def summary_json():
    return _summary(), 200, {"Cache-Control": "no-store"}


@bp.get("/cases")
def cases():
    """A grid tile's cases: every case of one township (?township=), newest first, as the API lists them."""
    user = web_user()
    policy.require_supervision(user)
    session = db_session()
    township = request.args.get("township", "").strip()
    page, per_page = paging(50)
    total, rows = queries.list_cases(
        session, user, status=None, service=None, overdue=None, page=page, per_page=per_page, township=township or None
    )
    return render_template(
        "supervision/cases.html",
        township=township,
        cases=rows,
        total=total,
        page=page,
        per_page=per_page,
        calendar=Calendar.load(session),
        clock_state=clock_state,
    )


@bp.get("/cases/<app_id>")
def case(app_id: str, error: AppError | None = None):
    """A read-only view of any case, for following up a warning or a low rating."""
    user = web_user()
    policy.require_supervision(user)
    session = db_session()
    app = queries.get_case(session, user, app_id)
    body = render_template(
        "supervision/case.html",
        app=app,
        clock=clock_state(app, Calendar.load(session)),
        rows=slot_rows(session, user, app),
        error=error,
        allowed=policy.allowed_actions(user, app),
    )
    return body, error.status if error else 200


@bp.post("/cases/<app_id>/deadline")
def set_deadline(app_id: str):
    """督办: the supervisor gives an overdue case a new deadline, with the reason."""
    user = web_user()
    app = queries.get_case(db_session(), user, app_id)
    return run_action(
        lambda session: time_limit_forms.set_deadline(session, user, app),
        refused=lambda error: case(app_id, error=error),
        done_message=_("办结期限已调整"),
        done_url=url_for("supervision.case", app_id=app_id),
    )


@bp.post("/cases/<app_id>/follow-up")
def close_follow_up(app_id: str):
    """差评回访: the supervisor records what was done about a low rating, which closes it."""
    user = web_user()
    app = queries.get_case(db_session(), user, app_id)
    return run_action(
        lambda session: rating.close_follow_up(session, user, app, request.form.get("note", "")),
        refused=lambda error: case(app_id, error=error),
        done_message=_("差评回访已办结"),
        done_url=url_for("supervision.dashboard") + "#follow-ups",
    )
