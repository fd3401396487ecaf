"""Who hears of a case event: the applicant, the window clerks, the routed departments' officers, their
heads (科室负责人) and the supervisors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Application, CaseEvent, User
from ...vocabulary import PartStatus


class Audience(StrEnum):
    APPLICANT = "applicant"
    CLERKS = "clerks"
    OFFICERS = "officers"  # of every routed department
    PENDING_OFFICERS = "pending_officers"  # of the departments that have not decided yet
    HEADS = "heads"  # of the departments that have not decided yet
    SUPERVISORS = "supervisors"


@dataclass(frozen=True)
class Recipient:
    """A user with an account, or a walk-in applicant known only by the phone the clerk wrote down."""

    user: User | None
    phone: str = ""

    @property
    def key(self) -> str:
        return self.user.id if self.user is not None else f"phone:{self.phone}"


def _applicant(session: Session, app: Application, _event: CaseEvent) -> list[Recipient]:
    user = session.get(User, app.applicant_user_id) if app.applicant_user_id else None
    if user is not None and user.active:
        return [Recipient(user, user.phone or app.applicant_phone)]
    return [Recipient(None, app.applicant_phone)] if app.applicant_phone else []


def _staff(session: Session, event: CaseEvent, *conditions) -> list[Recipient]:
    """Active staff matching ``conditions``, without the one who caused the event (they know)."""
    query = select(User).where(User.active.is_(True), *conditions).order_by(User.username)
    return [Recipient(user, user.phone) for user in session.scalars(query) if user.id != event.actor_id]


def _departments(app: Application, *, pending_only: bool) -> set[str]:
    # A part routed in this unit of work has its department object but no department_id before the flush.
    return {
        part.department_id or part.department.id
        for part in app.parts
        if not pending_only or part.status == PartStatus.PENDING
    }


def _clerks(session: Session, _app: Application, event: CaseEvent) -> list[Recipient]:
    return _staff(session, event, User.role == "clerk")


def _officers(session: Session, app: Application, event: CaseEvent, *, pending_only: bool = False) -> list[Recipient]:
    departments = _departments(app, pending_only=pending_only)
    return _staff(session, event, User.role == "officer", User.department_id.in_(departments)) if departments else []


def _pending_officers(session: Session, app: Application, event: CaseEvent) -> list[Recipient]:
    return _officers(session, app, event, pending_only=True)


def _heads(session: Session, app: Application, event: CaseEvent) -> list[Recipient]:
    departments = _departments(app, pending_only=True) or _departments(app, pending_only=False)
    if not departments:
        return []
    return _staff(session, event, User.is_head.is_(True), User.department_id.in_(departments))


def _supervisors(session: Session, _app: Application, event: CaseEvent) -> list[Recipient]:
    return _staff(session, event, User.role == "supervisor")


FIND: dict[Audience, Callable[[Session, Application, CaseEvent], list[Recipient]]] = {
    Audience.APPLICANT: _applicant,
    Audience.CLERKS: _clerks,
    Audience.OFFICERS: _officers,
    Audience.PENDING_OFFICERS: _pending_officers,
    Audience.HEADS: _heads,
    Audience.SUPERVISORS: _supervisors,
}


def recipients(session: Session, app: Application, event: CaseEvent, audience: Audience) -> list[Recipient]:
    return FIND[audience](session, app, event)
