"""Deemed acceptance (行政许可法 第三十二条): a submission no clerk answered within five working days is
accepted by law, and the window is warned the working day before."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from ...models import Application
from ...timeutil import LOCAL_TZ, local
from ...vocabulary import EventAction, Status
from .acceptance import Acceptance, accept
from .clock import Calendar, deemed_acceptance_day

WARN_WORKDAYS = 1


def is_due(app: Application, calendar: Calendar, today: date) -> bool:
    day = deemed_acceptance_day(app, calendar)
    return app.status == Status.SUBMITTED and day is not None and today > day


def is_near(app: Application, calendar: Calendar, today: date) -> bool:
    """Within a working day of the point where the law accepts it: the clerk's queue flags it."""
    day = deemed_acceptance_day(app, calendar)
    if app.status != Status.SUBMITTED or day is None or today > day:
        return False
    return calendar.workdays_between(today, day) <= WARN_WORKDAYS


def deemed_json(app: Application, calendar: Calendar, today: date) -> dict[str, Any] | None:
    day = deemed_acceptance_day(app, calendar) if app.status == Status.SUBMITTED else None
    return None if day is None else {"day": day.isoformat(), "near": is_near(app, calendar, today)}


def deem_accepted(session: Session, app: Application, calendar: Calendar, now: datetime) -> None:
    """Accepted as of the end of the fifth working day, whenever the sweep finds it: the clock ran from then.
    Deferred items (容缺 at submission) are owed by the promised date; nobody checked the materials."""
    day = deemed_acceptance_day(app, calendar)
    assert day is not None  # only submitted cases are deemed accepted
    accepted_at = min(now, datetime.combine(day, time(23, 59, 59), LOCAL_TZ))
    gap = sorted(app.gap_slots)
    how = Acceptance(
        EventAction.DEEMED_ACCEPTED,
        gap,
        accepted_at=accepted_at,
        today=local(now).date(),
        data={"deemed_on": day.isoformat()},
    )
    accept(session, None, app, how, calendar)
