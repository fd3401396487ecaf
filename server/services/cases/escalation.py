"""督办: a case turning yellow is a warning to its officers, one turning red an escalation to the department
heads and the supervisors; a supervisor may then set a new deadline, after which both may happen again."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...models import Application, CaseEvent, User, utcnow
from ...timeutil import local
from ...vocabulary import EventAction
from . import events, policy
from .clock import Calendar, ClockState, clock_state, paused_workdays


def _since_deadline(app: Application) -> list[CaseEvent]:
    """The events since the supervisor last set a deadline (all of them if none was set)."""
    last = max((e.seq for e in app.events if e.action == EventAction.SET_DEADLINE), default=0)
    return [e for e in app.events if e.seq > last]


def recorded(app: Application, action: EventAction) -> bool:
    return any(e.action == action for e in _since_deadline(app))


def is_escalated(app: Application) -> bool:
    return recorded(app, EventAction.ESCALATE)


def _facts(app: Application, clock: ClockState) -> dict:
    return {**clock.as_dict(), "departments": sorted(p.department.code for p in app.parts)}


def check(session: Session, app: Application, calendar: Calendar, now: datetime) -> EventAction | None:
    """Records the warning at yellow and the escalation at red, each once per deadline."""
    clock = clock_state(app, calendar, now)
    action = {"yellow": EventAction.WARN, "red": EventAction.ESCALATE}.get(clock.level)
    if action is None or recorded(app, action):
        return None
    events.record(session, app, None, action, data=_facts(app, clock))
    return action


def set_deadline(
    session: Session, user: User, app: Application, due: date, reason: str, calendar: Calendar | None = None
) -> None:
    """The new limit is stored in working days, so later pauses move the due date as they always do."""
    policy.require(user, app, policy.Action.SET_DEADLINE)
    calendar = calendar or Calendar.load(session)
    today = local(utcnow()).date()
    problems = {}
    if due < today:
        problems["due_date"] = f"{due} 已过 ({due} is in the past)"
    elif not calendar.is_workday(due):
        problems["due_date"] = f"{due} 不是工作日 ({due} is not a working day)"
    if not reason.strip():
        problems["reason"] = "须说明理由 (a reason is required)"
    if problems:
        raise InvalidInput(
            "新的办结期限须为今天或以后的工作日，并说明理由 (a new deadline needs a working day and a reason)",
            {"fields": problems},
        )
    assert app.accepted_at is not None  # the rule allows accepted cases only
    previous = clock_state(app, calendar).due_date
    start = local(app.accepted_at).date()
    app.limit_days = calendar.workdays_between(start, due) - paused_workdays(app, calendar, today)
    app.due_date = due
    events.record(
        session,
        app,
        user,
        EventAction.SET_DEADLINE,
        note=reason.strip(),
        data={
            "due_date": due.isoformat(),
            "previous_due_date": previous.isoformat() if previous else None,
            "limit_working_days": app.limit_days,
        },
    )
