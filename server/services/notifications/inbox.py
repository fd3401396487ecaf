"""A user's inbox: newest first, unread counted for the header badge, read marks by the recipient only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ...errors import NotFound
from ...models import Notification, User, utcnow


def notification_json(row: Notification) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.created_at.isoformat(),
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "application_id": row.application_id,
        "read": row.read_at is not None,
    }


def inbox(
    session: Session, user: User, *, page: int = 1, per_page: int = 20, unread_only: bool = False
) -> tuple[int, list[Notification]]:
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # id breaks ties between notifications written in the same instant (one event, several kinds).
    ordered = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return total, list(session.scalars(ordered.offset((page - 1) * per_page).limit(per_page)))


def unread_count(session: Session, user: User) -> int:
    query = select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return session.scalar(query) or 0


def mark_read(session: Session, user: User, notification_id: str) -> Notification:
    """Someone else's notification answers as absent: ids are not to be probed."""
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"没有编号为 {notification_id} 的通知 (no notification {notification_id})")
    if row.read_at is None:
        row.read_at = utcnow()
    return row


def mark_all_read(session: Session, user: User) -> int:
    unread = (Notification.user_id == user.id) & Notification.read_at.is_(None)
    count = session.scalar(select(func.count()).where(unread)) or 0
    session.execute(update(Notification).where(unread).values(read_at=utcnow()))
    return count
