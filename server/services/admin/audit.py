"""The audit log of administrative changes: appended to, read, never edited or deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import AuditEntry


class Actor(Protocol):
    """Whoever makes a change: a signed-in admin (a ``User``) or a command run on the server."""

    @property
    def username(self) -> str: ...


@dataclass(frozen=True)
class CommandLine:
    """The actor of a change made with the ``onewindow`` command (the operator's shell)."""

    username: str = "cli"


def record(
    session: Session,
    actor: Actor,
    action: str,
    target: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """One change, with the object as the API shows it before and after (None: it did not exist / is gone)."""
    entry = AuditEntry(actor=actor.username, action=action, target=target, before=before, after=after)
    session.add(entry)
    return entry


def entries(
    session: Session, *, page: int, per_page: int, target: str | None = None, action: str | None = None
) -> tuple[int, list[AuditEntry]]:
    """Newest first; filtered by target (``service:minsu``) or action (``service.publish``)."""
    query = select(AuditEntry)
    if target:
        query = query.where(AuditEntry.target == target)
    if action:
        query = query.where(AuditEntry.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id).offset((page - 1) * per_page).limit(per_page)
    )
    return total, list(rows)


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "before": entry.before,
        "after": entry.after,
    }
