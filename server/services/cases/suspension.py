"""Special procedures (行政许可法 第四十五条): a hearing, an inspection, testing or expert review stops the
clock, for at most the kind's working days; past that the sweep starts it again by itself."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...models import Application, ClockPause, User, utcnow
from ...timeutil import LOCAL_TZ, local
from ...vocabulary import EventAction, NoticeKind, SuspensionKind
from . import events, policy
from .clock import Calendar, open_suspension, resume_by


def suspend(
    session: Session, user: User, app: Application, kind: str, reason: str, calendar: Calendar | None = None
) -> ClockPause:
    policy.require(user, app, policy.Action.SUSPEND)
    problems = {}
    if kind not in set(SuspensionKind):
        problems["kind"] = f"须为 {' / '.join(SuspensionKind)} (unknown kind {kind!r})"
    if not reason.strip():
        problems["reason"] = "须说明理由 (a reason is required)"
    if problems:
        raise InvalidInput("特别程序须写明种类和理由 (a suspension needs its kind and a reason)", {"fields": problems})
    procedure = SuspensionKind(kind)
    pause = ClockPause(started_at=utcnow(), reason=procedure)
    app.pauses.append(pause)
    until = resume_by(pause, calendar or Calendar.load(session))
    item = {"kind": procedure.value, "name": procedure.label, "max_days": procedure.max_days}
    events.notice(session, app, NoticeKind.SUSPENSION, user, items=[item], note=reason.strip(), deadline=until)
    events.record(
        session,
        app,
        user,
        EventAction.SUSPEND,
        note=reason.strip(),
        data={"kind": procedure.value, "max_days": procedure.max_days, "resume_by": until.isoformat()},
    )
    return pause


def resume(session: Session, user: User, app: Application, note: str = "", calendar: Calendar | None = None) -> None:
    policy.require(user, app, policy.Action.RESUME)
    pause = open_suspension(app)
    assert pause is not None  # the rule requires one
    _end(session, user, app, pause, utcnow(), calendar or Calendar.load(session), note=note)


def resume_if_expired(session: Session, app: Application, calendar: Calendar, now: datetime) -> bool:
    """Past the kind's longest time the clock runs again, counted from that day even if the sweep is late."""
    pause = open_suspension(app)
    if pause is None:
        return False
    last = resume_by(pause, calendar)
    if local(now).date() < last:
        return False
    _end(session, None, app, pause, min(now, datetime.combine(last, time(23, 59, 59), LOCAL_TZ)), calendar)
    return True


def _end(
    session: Session,
    actor: User | None,
    app: Application,
    pause: ClockPause,
    at: datetime,
    calendar: Calendar,
    note: str = "",
) -> None:
    days = calendar.workdays_between(local(pause.started_at).date(), local(at).date())
    pause.ended_at = at
    events.record(
        session,
        app,
        actor,
        EventAction.RESUME,
        note=note,
        data={"kind": pause.reason, "automatic": actor is None, "paused_working_days": days},
    )
