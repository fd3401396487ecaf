"""终止办理: a 容缺 case whose deadline passed without the material is closed, told and archived."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ...models import Application, GapItem
from ...runtime import Runtime
from ...vocabulary import EventAction, NoticeKind, Status
from . import events
from .handling import archive_case


def terminate(session: Session, runtime: Runtime, app: Application, items: list[GapItem], now: datetime) -> None:
    """终止办理: the termination notice, the case closed and sealed into the archive, like a rejection."""
    names = {s.slot: s.name for s in app.service.materials}
    owed = [{"slot": i.slot, "name": names.get(i.slot, i.slot), "deadline": i.deadline.isoformat()} for i in items]
    events.notice(session, app, NoticeKind.TERMINATION, None, items=owed)
    for pause in app.pauses:
        if pause.ended_at is None:
            pause.ended_at = now
    app.decided_at = app.completed_at = now
    app.outcome = Status.TERMINATED
    events.transition(
        session,
        app,
        None,
        EventAction.TERMINATE,
        Status.TERMINATED,
        note="容缺材料逾期未补齐",
        data={"slots": [i.slot for i in items], "gap_deadlines": {i.slot: i.deadline.isoformat() for i in items}},
    )
    archive_case(session, runtime, None, app)
