"""The administrative audit log: every change to the catalogue and to accounts, never edited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_column, id_column


class AuditEntry(Base):
    """Who changed what, when, with the state before and after (as the API shows them)."""

    __tablename__ = "audit_entries"

    id: Mapped[str] = id_column()
    at: Mapped[datetime] = created_column()
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), index=True)
    before: Mapped[dict | None] = mapped_column(nullable=True)
    after: Mapped[dict | None] = mapped_column(nullable=True)
