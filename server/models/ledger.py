"""The access ledger: every read of someone's files, hash-chained, and the officers' access requests.

Applicants read the rows about their own files (``/my/access-ledger``), so reuse of their data is never
invisible to them; the chain (server/models/chain.py) makes a changed, removed or inserted row detectable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_column, id_column

GENESIS = "0" * 64


class AccessLog(Base):
    """One read (or search) by someone: who, in which role and department, when, why, for which case.

    ``seq``, ``prev_hash`` and ``entry_hash`` are written when the row is flushed, under the lock of the
    chain's head row, whoever adds it. A case material read before archiving has no dossier; its
    ``file_id`` is the material's id and ``application_id`` its case.
    """

    __tablename__ = "access_log"

    id: Mapped[str] = id_column()
    seq: Mapped[int | None] = mapped_column(Integer, unique=True, nullable=True)
    at: Mapped[datetime] = created_column()
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    department_code: Mapped[str] = mapped_column(String(32), default="")
    action: Mapped[str] = mapped_column(String(16))
    dossier_id: Mapped[str | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True, index=True)
    file_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    file_name: Mapped[str] = mapped_column(String(500), default="")
    applicant_id_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    application_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    # A search's query and number of hits; the access request a read relied on.
    detail: Mapped[dict] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    entry_hash: Mapped[str] = mapped_column(String(64), default="")


class LedgerHead(Base):
    """The chain's last entry: one row (id 1), locked by every append so that appends are serialised."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    entry_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


class AccessRequest(Base):
    """An officer's request to read the shared files of another department's dossier, for the applicant to
    approve or refuse; an approval lets that officer read until ``expires_at``."""

    __tablename__ = "access_requests"

    id: Mapped[str] = id_column()
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    applicant_id_number: Mapped[str] = mapped_column(String(32), index=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    officer_name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(String(32))
    department_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    # vocabulary.AccessRequestStatus
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = created_column()
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
