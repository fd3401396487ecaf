"""A notification that no case event causes (an officer asks to read an applicant's files, the applicant
answers): written to one user's inbox, and sent by e-mail and SMS by their choice, like the others."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from ...models import Notification, User, new_id
from ...vocabulary import NotificationKind
from . import texts
from .delivery import queue_delivery
from .preferences import channels_of

# The kinds no case event sends (rules.py), only notify_user.
DIRECT_KINDS = (NotificationKind.ACCESS_REQUEST, NotificationKind.ACCESS_ANSWER)


def notify_user(
    session: Session,
    user: User,
    kind: NotificationKind,
    facts: Mapping[str, str],
    facts_en: Mapping[str, str] | None = None,
) -> Notification:
    """``facts`` fill the kind's body template (texts.BODIES); ``facts_en`` replace them in English."""
    channels = channels_of(session, user)
    language = channels.language
    values = dict(facts_en if facts_en is not None and language == texts.EN else facts)
    row = Notification(
        id=new_id(),
        user_id=user.id,
        kind=kind,
        application_id=None,
        title=texts.title(kind, language),
        body=texts.body(kind, "", language, values),
    )
    session.add(row)
    addresses = (("email", user.email if channels.email else ""), ("sms", user.phone if channels.sms else ""))
    for channel, address in addresses:
        if address:
            queue_delivery(
                session,
                channel=channel,
                address=address,
                kind=kind,
                subject=row.title,
                text=row.body,
                application_id=None,
                notification_id=row.id,
            )
    return row
