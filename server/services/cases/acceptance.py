"""What acceptance starts, whoever accepts (a clerk, or the law when no clerk answered in time): the clock,
the promised date, one deadline per deferred item, and the notices saying so."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ...models import Application, User
from ...timeutil import local
from ...vocabulary import EventAction, NoticeKind, Status
from . import events, gaps
from .clock import Calendar, limit_days


@dataclass
class Acceptance:
    action: EventAction
    gap: list[str]
    accepted_at: datetime
    today: date
    note: str = ""
    reasons: dict[str, str] = field(default_factory=dict)  # why a present material is owed again
    gap_deadlines: dict[str, date] | None = None
    gap_deadline: date | None = None  # one deadline for every item (the API before per-item deadlines)
    data: dict = field(default_factory=dict)


def accept(session: Session, actor: User | None, app: Application, how: Acceptance, calendar: Calendar) -> None:
    app.accepted_at = how.accepted_at
    app.due_date = calendar.add_workdays(local(how.accepted_at).date(), limit_days(app))
    planned = gaps.plan(app, how.gap, how.gap_deadlines, how.gap_deadline, how.today) if how.gap else {}
    gaps.open_items(app, planned)
    owed = gaps.notice_items(app, how.reasons)
    if how.gap:
        note = app.gap_undertaking or how.note
        events.notice(session, app, NoticeKind.GAP, actor, note=note, deadline=app.gap_deadline, items=owed)
    events.notice(session, app, NoticeKind.ACCEPTANCE, actor, note=how.note, deadline=app.due_date, items=owed)
    events.transition(
        session,
        app,
        actor,
        how.action,
        Status.ACCEPTED_WITH_GAP if how.gap else Status.ACCEPTED,
        note=how.note,
        data={
            "due_date": app.due_date.isoformat(),
            "gap_slots": how.gap,
            "gap_deadline": app.gap_deadline.isoformat() if app.gap_deadline else None,
            "gap_deadlines": gaps.deadlines_json(app),
            **how.data,
        },
    )
