"""One sweep of every clock the law sets, run every few minutes, at start-up and by `onewindow deadlines sweep`.

Each rule looks at what is recorded, not at when it last ran, so running twice records nothing new and a
server that was down for a week catches up in one run. Each case is committed on its own: a case whose
termination cannot be sealed (the store is down) is tried again next time, and the others go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Application, utcnow
from ...runtime import Runtime
from ...timeutil import local
from ...vocabulary import EventAction, Status
from . import deemed, escalation, gaps, suspension, termination
from .clock import Calendar

log = logging.getLogger(__name__)

SWEPT = (Status.SUBMITTED, Status.ACCEPTED, Status.ACCEPTED_WITH_GAP, Status.IN_PROGRESS, Status.NEEDS_CORRECTION)


@dataclass
class SweepReport:
    """The ids of the cases each rule acted on."""

    deemed_accepted: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    terminated: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return ", ".join(f"{name} {len(ids)}" for name, ids in vars(self).items())


def sweep(session: Session, runtime: Runtime, now: datetime | None = None) -> SweepReport:
    now = now or utcnow()
    calendar = Calendar.load(session)
    report = SweepReport()
    ids = list(session.scalars(select(Application.id).where(Application.status.in_(SWEPT)).order_by(Application.id)))
    for app_id in ids:
        app = session.get(Application, app_id)
        if app is None:
            continue
        try:
            _sweep_case(session, runtime, app, calendar, now, report)
            session.commit()
        except Exception:  # one case's failure (a store outage while sealing) must not stop the others
            log.exception("deadline sweep failed on case %s", app_id)
            session.rollback()
            report.failed.append(app_id)
    return report


def _sweep_case(
    session: Session, runtime: Runtime, app: Application, calendar: Calendar, now: datetime, report: SweepReport
) -> None:
    today = local(now).date()
    if deemed.is_due(app, calendar, today):
        deemed.deem_accepted(session, app, calendar, now)
        report.deemed_accepted.append(app.id)
    if suspension.resume_if_expired(session, app, calendar, now):
        report.resumed.append(app.id)
    if gaps.remind(session, app, calendar, now):
        report.reminded.append(app.id)
    lapsed = gaps.lapsed(app, today)
    if lapsed:
        termination.terminate(session, runtime, app, lapsed, now)
        report.terminated.append(app.id)
        return
    if app.accepted_at is not None:
        done = escalation.check(session, app, calendar, now)
        if done is not None:
            (report.escalated if done == EventAction.ESCALATE else report.warned).append(app.id)
