"""Each user's channels: the inbox always; e-mail and SMS each on or off; the language messages are
written in. Without a saved choice, e-mail is on and SMS is on for applicants only (their phone is how
the centre reaches them; staff would get a text for every case)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...models import NotificationPreference, User, utcnow
from ...models.notifications import LANGUAGES


@dataclass(frozen=True)
class Channels:
    email: bool
    sms: bool
    language: str

    def to_json(self) -> dict[str, object]:
        return {"email": self.email, "sms": self.sms, "language": self.language}


def default_channels(user: User) -> Channels:
    return Channels(email=True, sms=user.role == "applicant", language="zh-CN")


def channels_of(session: Session, user: User) -> Channels:
    row = session.get(NotificationPreference, user.id)
    if row is None:
        return default_channels(user)
    return Channels(email=row.email, sms=row.sms, language=row.language)


def set_channels(
    session: Session, user: User, *, email: bool | None = None, sms: bool | None = None, language: str | None = None
) -> Channels:
    """Changes what is given; the rest stays as it was (or as the defaults were)."""
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(
            f"language 须为 {' / '.join(LANGUAGES)} (language must be one of {', '.join(LANGUAGES)})",
            {"fields": {"language": f"one of {', '.join(LANGUAGES)}"}},
        )
    current = channels_of(session, user)
    row = session.get(NotificationPreference, user.id)
    if row is None:
        row = NotificationPreference(user_id=user.id)
        session.add(row)
    row.email = current.email if email is None else email
    row.sms = current.sms if sms is None else sms
    row.language = current.language if language is None else language
    row.updated_at = utcnow()
    return Channels(email=row.email, sms=row.sms, language=row.language)
