"""Recording transitions, and the numbers people read (tracking numbers, notice numbers)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Application, CaseEvent, ClockPause, Notice, User, utcnow
from ...timeutil import local
from ...vocabulary import EventAction, NoticeKind, Status, check_transition
from .. import notifications

# No 0/O or 1/I: people read these numbers aloud at the window and over the phone.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Who acts when the law's clocks act (deemed acceptance, termination, automatic resumption).
SYSTEM_NAME, SYSTEM_ROLE = "系统", "system"


def tracking_number(session: Session) -> str:
    """Date plus 8 random characters: unguessable, and sortable by day for the clerks."""
    while True:
        number = local(utcnow()).strftime("%Y%m%d") + "".join(secrets.choice(_ALPHABET) for _ in range(8))
        if session.scalar(select(Application.id).where(Application.tracking_number == number)) is None:
            return number


def record(
    session: Session,
    app: Application,
    actor: User | None,
    action: EventAction,
    *,
    note: str = "",
    before: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Appends an event; ``before`` defaults to the status the case had before the caller changed it.
    Whoever should hear of it is notified in the same transaction (services/notifications/rules.py)."""
    action = EventAction(action)  # an action outside the vocabulary is a bug, not a new kind of event
    seq = (session.scalar(select(func.max(CaseEvent.seq)).where(CaseEvent.application_id == app.id)) or 0) + 1
    event = CaseEvent(
        seq=seq,
        at=utcnow(),
        action=action,
        note=note,
        actor_id=actor.id if actor else None,
        actor_name=actor.display_name if actor else SYSTEM_NAME,
        actor_role=actor.role if actor else SYSTEM_ROLE,
        before=before if before is not None else app.status,
        after=app.status,
        data=data or {},
    )
    # Only through the collection: adding the event to the session as well made the collection's
    # lazy load (which autoflushes) find it in the database and then append it a second time.
    app.events.append(event)
    notifications.on_event(session, app, event)
    return event


def transition(
    session: Session, app: Application, actor: User | None, action: EventAction, new_status: Status, **kwargs: Any
) -> CaseEvent:
    """Changes the status along the transition table (vocabulary.TRANSITIONS) and records it."""
    before, action, new_status = app.status, EventAction(action), Status(new_status)
    check_transition(before, action, new_status)
    app.status = new_status
    _clock(app, before, new_status)
    return record(session, app, actor, action, before=before, **kwargs)


def _clock(app: Application, before: str, after: str) -> None:
    """The promised-time clock pauses while an accepted case waits for the applicant."""
    waiting = after == Status.NEEDS_CORRECTION and app.accepted_at is not None
    open_pause = next((p for p in app.pauses if p.ended_at is None), None)
    if waiting and open_pause is None:
        app.pauses.append(ClockPause(started_at=utcnow(), reason="awaiting_applicant"))
    elif not waiting and open_pause is not None:
        open_pause.ended_at = utcnow()


def notice(
    session: Session,
    app: Application,
    kind: NoticeKind,
    issued_by: User | None,
    *,
    items: list | None = None,
    note: str = "",
    deadline: date | None = None,
) -> Notice:
    kind = NoticeKind(kind)
    count = sum(1 for n in app.notices if n.kind == kind) + 1
    row = Notice(
        kind=kind,
        number=f"{kind.prefix}-{app.tracking_number}-{count:02d}",
        items=items or [],
        note=note,
        deadline=deadline,
        issued_by=issued_by.display_name if issued_by else SYSTEM_NAME,
    )
    app.notices.append(row)
    session.add(row)
    return row
