"""Working days against the promised time limit (承诺时限), with a holiday calendar.

The clock starts on the day after acceptance, counts working days (weekdays
that are not holidays, plus weekend days worked in exchange), and stops while
the case waits for the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ...models import Application, ClockPause, Holiday, utcnow
from ...timeutil import local
from ...vocabulary import SuspensionKind
from .tracked import TrackedCase

WARNING_RATIO = 0.8
# 行政许可法 第三十二条: a submission not answered within five working days counts as accepted.
DEEMED_ACCEPTANCE_DAYS = 5
# Why a pause runs: the applicant owes a corrected material, or a special procedure (a SuspensionKind value).
AWAITING_APPLICANT = "awaiting_applicant"


class Calendar:
    def __init__(self, holidays: set[date], extra_workdays: set[date]) -> None:
        self.holidays = holidays
        self.extra_workdays = extra_workdays

    @classmethod
    def load(cls, session: Session | Connection) -> Calendar:
        rows = session.execute(select(Holiday.day, Holiday.working)).all()
        return cls({d for d, working in rows if not working}, {d for d, working in rows if working})

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_workdays(self, start: date, days: int) -> date:
        """The date on which ``days`` working days after ``start`` have passed."""
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                left -= 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


@dataclass(frozen=True)
class ClockState:
    used_days: int
    limit_days: int
    due_date: date | None
    level: str  # "none" | "green" | "yellow" | "red" | "paused" | "stopped"

    def as_dict(self) -> dict:
        return {
            "used_working_days": self.used_days,
            "limit_working_days": self.limit_days,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "level": self.level,
        }


def paused_workdays(app: Application | TrackedCase, calendar: Calendar, until: date) -> int:
    """Working days not counted; a suspension overlapping a wait for the applicant counts its days once."""
    days: set[date] = set()
    for pause in app.pauses:
        current = local(pause.started_at).date()
        end = min(local(pause.ended_at).date() if pause.ended_at else until, until)
        while current < end:
            current += timedelta(days=1)
            if calendar.is_workday(current):
                days.add(current)
    return len(days)


def open_suspension(app: Application) -> ClockPause | None:
    return next((p for p in app.pauses if p.ended_at is None and p.reason in set(SuspensionKind)), None)


def resume_by(pause: ClockPause, calendar: Calendar) -> date:
    """The last day a special procedure may keep the clock stopped (SuspensionKind.max_days working days)."""
    return calendar.add_workdays(local(pause.started_at).date(), SuspensionKind(pause.reason).max_days)


def limit_days(app: Application | TrackedCase) -> int:
    return app.service.time_limit_days if app.limit_days is None else app.limit_days


def deemed_acceptance_day(app: Application, calendar: Calendar) -> date | None:
    """The last day a clerk may answer a submission; the next day the law accepts it."""
    if app.submitted_at is None:
        return None
    return calendar.add_workdays(local(app.submitted_at).date(), DEEMED_ACCEPTANCE_DAYS)


def clock_state(app: Application | TrackedCase, calendar: Calendar, now: datetime | None = None) -> ClockState:
    limit = limit_days(app)
    if app.accepted_at is None:
        return ClockState(0, limit, None, "none")
    now = now or utcnow()
    stop = app.decided_at or (app.completed_at if app.status in ("completed", "archived") else None)
    end_day = local(stop or now).date()
    start_day = local(app.accepted_at).date()
    paused = paused_workdays(app, calendar, end_day)
    used = calendar.workdays_between(start_day, end_day) - paused
    due = calendar.add_workdays(start_day, limit + paused)
    if stop is not None:
        level = "red" if used > limit else "stopped"
    elif any(p.ended_at is None for p in app.pauses):
        level = "paused"
    elif used > limit:
        level = "red"
    elif used >= WARNING_RATIO * limit:
        level = "yellow"
    else:
        level = "green"
    return ClockState(max(used, 0), limit, due, level)


def is_overdue(app: Application, calendar: Calendar, now: datetime | None = None) -> bool:
    return clock_state(app, calendar, now).level == "red"
