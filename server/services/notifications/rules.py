"""Which case event tells whom what: one table, applied when the event is recorded (cases/events.py).

The code that records an event never sends anything itself; adding a rule here is the whole change
when a new event should be told.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import Application, CaseEvent, Notification, new_id
from ...vocabulary import EventAction as A
from ...vocabulary import NotificationKind as K
from . import texts
from .audiences import Audience, Recipient, recipients
from .delivery import queue_delivery
from .facts import Facts
from .preferences import channels_of

Rule = tuple[K, Audience]

RULES: dict[A, tuple[Rule, ...]] = {
    A.SUBMIT: ((K.RECEIPT, Audience.APPLICANT), (K.NEW_WORK, Audience.CLERKS)),
    A.RESUBMIT: ((K.RECEIPT, Audience.APPLICANT), (K.NEW_WORK, Audience.CLERKS)),
    A.REQUEST_CORRECTION: ((K.CORRECTION, Audience.APPLICANT),),
    A.ACCEPT: ((K.ACCEPTANCE, Audience.APPLICANT),),
    A.ACCEPT_WITH_GAP: ((K.ACCEPTANCE, Audience.APPLICANT),),
    A.DEEMED_ACCEPTED: ((K.DEEMED_ACCEPTANCE, Audience.APPLICANT),),
    A.REJECT: ((K.REJECTION, Audience.APPLICANT),),
    A.ROUTE: ((K.NEW_WORK, Audience.OFFICERS),),
    A.GAP_FILLED: ((K.GAP_ARRIVED, Audience.CLERKS), (K.GAP_ARRIVED, Audience.OFFICERS)),
    A.REMIND: ((K.REMINDER, Audience.APPLICANT),),
    A.SUSPEND: ((K.SUSPENSION, Audience.APPLICANT),),
    A.RESUME: ((K.RESUMPTION, Audience.APPLICANT),),
    A.DECIDE: ((K.DECISION, Audience.APPLICANT),),
    A.COMPLETE: ((K.RESULT_READY, Audience.APPLICANT),),
    A.TERMINATE: ((K.TERMINATION, Audience.APPLICANT),),
    A.CLOSE_FOLLOW_UP: ((K.RATING_ANSWER, Audience.APPLICANT),),
    A.WARN: ((K.CLOCK_YELLOW, Audience.PENDING_OFFICERS),),
    A.ESCALATE: ((K.CLOCK_RED, Audience.HEADS), (K.CLOCK_RED, Audience.SUPERVISORS)),
    A.SET_DEADLINE: ((K.DEADLINE_CHANGED, Audience.OFFICERS), (K.DEADLINE_CHANGED, Audience.APPLICANT)),
    A.REVOKE_LICENCE: ((K.LICENCE_REVOKED, Audience.APPLICANT),),
}


def on_event(session: Session, app: Application, event: CaseEvent) -> list[Notification]:
    """Writes the inbox entries and queues the e-mails and texts an event calls for, in the caller's
    transaction: they exist exactly when the event does. Returns the inbox entries written."""
    written: list[Notification] = []
    for kind, audience in RULES.get(A(event.action), ()):
        facts = Facts(app, event, kind)
        told: set[str] = set()
        for recipient in recipients(session, app, event, audience):
            if recipient.key in told:
                continue
            told.add(recipient.key)
            row = _tell(session, facts, recipient)
            if row is not None:
                written.append(row)
    return written


def _tell(session: Session, facts: Facts, recipient: Recipient) -> Notification | None:
    app, kind = facts.app, facts.kind
    if recipient.user is None:  # a walk-in applicant: a text in Chinese, nothing else reaches them
        _queue(session, facts, "sms", recipient.phone, texts.ZH, None)
        return None
    user = recipient.user
    channels = channels_of(session, user)
    row = Notification(
        id=new_id(),
        user_id=user.id,
        kind=kind,
        application_id=app.id,
        title=texts.title(kind, channels.language),
        body=texts.body(kind, facts.variant, channels.language, facts.values(channels.language)),
    )
    session.add(row)
    if channels.email and user.email:
        _queue(session, facts, "email", user.email, channels.language, row)
    if channels.sms and recipient.phone:
        _queue(session, facts, "sms", recipient.phone, channels.language, row)
    return row


def _queue(session: Session, facts: Facts, channel: str, address: str, language: str, row: Notification | None) -> None:
    subject = row.title if row is not None else texts.title(facts.kind, language)
    text = row.body if row is not None else texts.body(facts.kind, facts.variant, language, facts.values(language))
    queue_delivery(
        session,
        channel=channel,
        address=address,
        kind=facts.kind,
        subject=subject,
        text=text,
        application_id=facts.app.id,
        notification_id=row.id if row is not None else None,
    )
