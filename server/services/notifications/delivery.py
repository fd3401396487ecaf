"""E-mails and texts as durable jobs: queued in the transaction that writes the inbox entry, sent by a
worker, retried with backoff while the server or gateway is down, and kept with their outcome."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from ...channels import ChannelRefused, ChannelUnavailable, Mailer, SmsGateway
from ...db import Database
from ...jobs import PermanentFailure, RetryLater, enqueue
from ...models import NotificationDelivery, new_id, utcnow

DELIVERY_JOB = "notify.deliver"
# With the queue's doubling backoff (2 s … capped at 1 h) ten attempts span about seventeen minutes.
DELIVERY_ATTEMPTS = 10

log = logging.getLogger(__name__)


def queue_delivery(
    session: Session,
    *,
    channel: str,
    address: str,
    kind: str,
    subject: str,
    text: str,
    application_id: str | None,
    notification_id: str | None,
) -> NotificationDelivery:
    row = NotificationDelivery(
        id=new_id(),
        notification_id=notification_id,
        application_id=application_id,
        kind=kind,
        channel=channel,
        address=address,
        subject=subject,
        text=text,
        status="pending",
        attempts=0,
        last_error="",
    )
    session.add(row)
    enqueue(session, DELIVERY_JOB, {"delivery_id": row.id}, subject=f"notify:{row.id}", max_attempts=DELIVERY_ATTEMPTS)
    return row


def deliver(db: Database, delivery_id: str, *, mailer: Mailer | None, sms: SmsGateway | None, attempt: int) -> str:
    """Sends one delivery once; its row says what happened. Raises RetryLater while the channel is down."""
    with db.session() as session:
        row = session.get(NotificationDelivery, delivery_id)
        if row is None:
            raise PermanentFailure(f"no notification delivery {delivery_id}")
        if row.status != "pending":
            return row.status  # sent by an earlier run whose job record did not get marked done
        row.attempts += 1
        problem = _send(row, mailer, sms)
        if problem is None:
            row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
        elif isinstance(problem, str):
            row.status, row.last_error = "off", problem
        else:
            row.last_error = str(problem)[-2000:]
            if isinstance(problem, ChannelRefused) or attempt >= DELIVERY_ATTEMPTS:
                row.status = "failed"
        status = row.status
    if isinstance(problem, ChannelRefused):
        raise PermanentFailure(str(problem))
    if isinstance(problem, ChannelUnavailable):
        log.warning("notification %s by %s not sent yet: %s", delivery_id, row.channel, problem)
        raise RetryLater(str(problem))
    return status


def _send(
    row: NotificationDelivery, mailer: Mailer | None, sms: SmsGateway | None
) -> str | ChannelUnavailable | ChannelRefused | None:
    """None when sent; a string when the channel is off; the channel's error otherwise."""
    try:
        if row.channel == "email":
            if mailer is None:
                return "e-mail is off (ONEWINDOW_SMTP_URL is not set)"
            mailer.send(row.address, row.subject, row.text)
        else:
            if sms is None:
                return "SMS is off (ONEWINDOW_SMS_URL is not set)"
            sms.send(row.address, row.text)
    except (ChannelUnavailable, ChannelRefused) as exc:
        return exc
    return None
