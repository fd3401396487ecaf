"""督办: the numbers a supervisor watches — cases by state, the clock's warnings, handling times, ratings.

Read-only. Overdue and warning levels depend on the working-day calendar, so
they are decided in Python over the open accepted cases (a county centre has
hundreds of those, not millions); counts are done in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...models import Application, CasePart, Rating, User, utcnow
from ...timeutil import local
from ...vocabulary import Status
from . import deemed, escalation, policy
from .clock import Calendar, clock_state, paused_workdays
from .townships import township_grid

# Accepted cases whose clock still runs (or is paused while the applicant corrects).
OPEN_STATUSES = (Status.ACCEPTED, Status.ACCEPTED_WITH_GAP, Status.IN_PROGRESS, Status.NEEDS_CORRECTION)
RATING_SCORES = (1, 2, 3, 4, 5)


def summary(session: Session, user: User, now: datetime | None = None, townships: Sequence[str] = ()) -> dict[str, Any]:
    """Everything on the supervision dashboard, as plain JSON-ready data; ``townships`` draws the grid."""
    policy.require_supervision(user)
    now = now or utcnow()
    calendar = Calendar.load(session)
    return {
        "generated_at": now.isoformat(),
        "by_state": cases_by_state(session),
        **clock_lists(session, calendar, now),
        "deemed_acceptance_near": deemed_near(session, calendar, now),
        "handling_time": handling_times(session, calendar),
        "ratings": ratings(session),
        "by_township": township_grid(session, calendar, now, townships, OPEN_STATUSES),
    }


def cases_by_state(session: Session) -> dict[str, int]:
    counts = dict(session.execute(select(Application.status, func.count()).group_by(Application.status)).all())
    return {status.value: int(counts.get(status, 0)) for status in Status}


def _case_row(app: Application, calendar: Calendar, now: datetime) -> dict[str, Any]:
    clock = clock_state(app, calendar, now)
    return {
        "id": app.id,
        "tracking_number": app.tracking_number,
        "service_code": app.service.code,
        "service_name": app.service.name,
        "applicant_name": app.applicant_name,
        "status": app.status,
        "departments": [p.department.code for p in app.parts],
        "department_names": [p.department.name for p in app.parts],
        **clock.as_dict(),
    }


def clock_lists(session: Session, calendar: Calendar, now: datetime) -> dict[str, Any]:
    """Open accepted cases by clock level, and the overdue (red) and warning (yellow) lists."""
    rows = session.scalars(
        select(Application)
        .where(Application.status.in_(OPEN_STATUSES), Application.accepted_at.is_not(None))
        .options(selectinload(Application.pauses), selectinload(Application.parts).selectinload(CasePart.department))
        .order_by(Application.due_date, Application.accepted_at)
    )
    levels: dict[str, int] = {"green": 0, "yellow": 0, "red": 0, "paused": 0}
    overdue, warning, escalated = [], [], []
    for app in rows:
        row = _case_row(app, calendar, now)
        levels[row["level"]] = levels.get(row["level"], 0) + 1
        if escalation.is_escalated(app):
            escalated.append(row)
        if row["level"] == "red":
            overdue.append(row)
        elif row["level"] == "yellow":
            warning.append(row)
    by_late = lambda r: (-(r["used_working_days"] - r["limit_working_days"]), r["due_date"] or "")  # noqa: E731
    return {
        "open_by_level": levels,
        "overdue": sorted(overdue, key=by_late),
        "warning": sorted(warning, key=by_late),
        "escalated": sorted(escalated, key=by_late),
    }


def deemed_near(session: Session, calendar: Calendar, now: datetime) -> int:
    """Submissions within a working day of being accepted by law because no clerk answered (第三十二条)."""
    today = local(now).date()
    submitted = session.scalars(select(Application).where(Application.status == Status.SUBMITTED))
    return sum(1 for app in submitted if deemed.is_near(app, calendar, today))


def _workdays_until(app: Application, calendar: Calendar, end: datetime) -> int:
    """Working days from acceptance to ``end``, less the days the clock was paused."""
    assert app.accepted_at is not None  # callers pass accepted cases only
    start_day, end_day = local(app.accepted_at).date(), local(end).date()
    return max(calendar.workdays_between(start_day, end_day) - paused_workdays(app, calendar, end_day), 0)


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def handling_times(session: Session, calendar: Calendar) -> dict[str, list[dict[str, Any]]]:
    """Average working days from acceptance to decision, per service item and per department.

    A department's time runs to its own part's decision, so a slow department
    shows up even when the case as a whole was decided by the last one.
    """
    decided = session.scalars(
        select(Application)
        .where(Application.accepted_at.is_not(None), Application.decided_at.is_not(None))
        .options(selectinload(Application.pauses), selectinload(Application.parts).selectinload(CasePart.department))
    )
    per_service: dict[str, list[int]] = defaultdict(list)
    per_department: dict[str, list[int]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for app in decided:
        assert app.decided_at is not None  # the query selects decided cases
        per_service[app.service.code].append(_workdays_until(app, calendar, app.decided_at))
        names["service", app.service.code] = app.service.name
        for part in app.parts:
            if part.decided_at is not None:
                per_department[part.department.code].append(_workdays_until(app, calendar, part.decided_at))
                names["department", part.department.code] = part.department.name

    def table(kind: str, values: dict[str, list[int]]) -> list[dict[str, Any]]:
        return sorted(
            (
                {
                    "code": code,
                    "name": names[kind, code],
                    "cases": len(days),
                    "average_working_days": _average(days),
                    "max_working_days": max(days),
                }
                for code, days in values.items()
            ),
            key=lambda r: (-r["average_working_days"], r["code"]),
        )

    return {"by_service": table("service", per_service), "by_department": table("department", per_department)}


def ratings(session: Session) -> dict[str, Any]:
    """好差评: count, average, the 1–5 distribution, and the low ratings still waiting for a follow-up."""
    counts = dict(session.execute(select(Rating.score, func.count()).group_by(Rating.score)).all())
    total = sum(counts.values())
    average = round(sum(score * n for score, n in counts.items()) / total, 2) if total else None
    open_items = session.scalars(
        select(Rating)
        .where(Rating.follow_up_status == "open")
        .options(selectinload(Rating.application))
        .order_by(Rating.created_at)
    )
    follow_ups = [
        {
            "application_id": r.application_id,
            "tracking_number": r.application.tracking_number,
            "service_name": r.application.service.name,
            "score": r.score,
            "comment": r.comment,
            "rated_at": r.created_at.isoformat(),
            "status": r.follow_up_status,
        }
        for r in open_items
    ]
    return {
        "count": total,
        "average": average,
        "distribution": {str(score): int(counts.get(score, 0)) for score in RATING_SCORES},
        "follow_ups": follow_ups,
    }
