"""Applications (办件) and everything that happens to them before they are archived."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import Status
from .base import Base, created_column, id_column
from .catalogue import Department, ServiceItem

STATUSES = tuple(Status)  # the names live in server/vocabulary.py


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[str] = id_column()
    tracking_number: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service_items.id"))
    status: Mapped[str] = mapped_column(String(24), default="draft", index=True)
    applicant_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_number: Mapped[str] = mapped_column(String(32), index=True)
    applicant_phone: Mapped[str] = mapped_column(String(32), default="")
    form: Mapped[dict] = mapped_column(default=dict)
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(16), default="online")
    created_at: Mapped[datetime] = created_column()
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), default="")
    # 容缺受理: non-key slots that may follow, the applicant's undertaking and the deadline.
    gap_slots: Mapped[list] = mapped_column(default=list)
    gap_undertaking: Mapped[str] = mapped_column(Text, default="")
    gap_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)  # the earliest of gap_items' deadlines
    # A time limit a supervisor set (督办调整时限), in working days; None keeps the service's promised limit.
    limit_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dossier_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # 网格化: the applicant's township or street, one of the configured list (Settings.townships).
    township: Mapped[str] = mapped_column(String(64), default="", index=True)
    # 送达: how and when the result reached the applicant, recorded once after the decision.
    delivery_method: Mapped[str] = mapped_column(String(16), default="")
    delivery_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    delivery_note: Mapped[str] = mapped_column(Text, default="")
    delivered_by: Mapped[str] = mapped_column(String(200), default="")

    service: Mapped[ServiceItem] = relationship()
    materials: Mapped[list[Material]] = relationship(
        back_populates="application", order_by="Material.uploaded_at", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="application", order_by="CaseEvent.seq", cascade="all, delete-orphan"
    )
    notices: Mapped[list[Notice]] = relationship(
        back_populates="application", order_by="Notice.created_at", cascade="all, delete-orphan"
    )
    parts: Mapped[list[CasePart]] = relationship(back_populates="application", cascade="all, delete-orphan")
    results: Mapped[list[ResultFile]] = relationship(back_populates="application", cascade="all, delete-orphan")
    pauses: Mapped[list[ClockPause]] = relationship(
        back_populates="application", order_by="ClockPause.started_at", cascade="all, delete-orphan"
    )
    rating: Mapped[Rating | None] = relationship(back_populates="application", uselist=False)
    gap_items: Mapped[list[GapItem]] = relationship(
        back_populates="application", order_by="GapItem.deadline", cascade="all, delete-orphan"
    )


class Material(Base):
    """One file in one slot. A re-upload replaces the current file; the old one stays, marked replaced."""

    __tablename__ = "materials"

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    slot: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(500))
    object_id: Mapped[str] = mapped_column(ForeignKey("stored_objects.id"))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uploaded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = created_column()
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    reused_from_file_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reused_from_dossier_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    verdict_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    verdict_reason: Mapped[str] = mapped_column(Text, default="")
    # Who gave the verdict (ok or not) and when.
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # How far the copy can be trusted (vocabulary.VerificationLevel); who checked it against the original and
    # when (for a reused copy: whoever checked the archived one), until when it is valid, and where it came from.
    level: Mapped[str] = mapped_column(String(24), default="uploaded")
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    verified_at: Mapped[datetime | None] = mapped_column(nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(nullable=True)
    source_archival_code: Mapped[str] = mapped_column(String(128), default="")
    licence_id: Mapped[str | None] = mapped_column(String(32), nullable=True)

    application: Mapped[Application] = relationship(back_populates="materials")


class CaseEvent(Base):
    """Every transition: who, when, what, why, and the state before and after."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = created_column()
    actor_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str] = mapped_column(String(24), default="")
    after: Mapped[str] = mapped_column(String(24), default="")
    data: Mapped[dict] = mapped_column(default=dict)

    application: Mapped[Application] = relationship(back_populates="events")


class Notice(Base):
    """A notice to the applicant: correction (一次性告知), acceptance, gap, rejection."""

    __tablename__ = "notices"

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(64))
    items: Mapped[list] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    issued_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = created_column()
    # What a decision states as issued (legal basis, the bodies of appeal, each part's outcome), kept so the
    # PDF made later says what the applicant was told even after the configuration changes.
    details: Mapped[dict] = mapped_column(default=dict)

    application: Mapped[Application] = relationship(back_populates="notices")


class CasePart(Base):
    """One department's part of a routed case (分流交办)."""

    __tablename__ = "case_parts"
    __table_args__ = (UniqueConstraint("application_id", "department_id"),)

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)
    routed_at: Mapped[datetime] = created_column()

    application: Mapped[Application] = relationship(back_populates="parts")
    department: Mapped[Department] = relationship()


class ResultFile(Base):
    """A result document (e.g. the licence) issued by a department."""

    __tablename__ = "result_files"
    __table_args__ = (UniqueConstraint("application_id", "name"),)

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(500))
    department_code: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(ForeignKey("stored_objects.id"))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = created_column()

    application: Mapped[Application] = relationship(back_populates="results")


class ClockPause(Base):
    """The promised-time clock stops while the case waits for the applicant."""

    __tablename__ = "clock_pauses"

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    reason: Mapped[str] = mapped_column(String(200), default="")

    application: Mapped[Application] = relationship(back_populates="pauses")


class GapItem(Base):
    """One deferred (容缺) material: its own deadline, and the clerk's review once it arrives."""

    __tablename__ = "gap_items"
    __table_args__ = (UniqueConstraint("application_id", "slot"),)

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    slot: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="owed")
    material_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(nullable=True)

    application: Mapped[Application] = relationship(back_populates="gap_items")


class Rating(Base):
    """好差评: one rating per completed case."""

    __tablename__ = "ratings"

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_column()
    follow_up_status: Mapped[str] = mapped_column(String(16), default="")
    follow_up_note: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="rating")


class Holiday(Base):
    """The working-day calendar: public holidays, and weekend days worked in exchange (调休)."""

    __tablename__ = "holidays"

    id: Mapped[str] = id_column()
    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(100), default="")


class UploadSession(Base):
    """A resumable upload: chunks append to a spool file until the declared size is reached.

    Rural applicants upload from phones on weak links; a dropped connection
    resumes from the last byte the server has instead of starting over.
    """

    __tablename__ = "upload_sessions"

    id: Mapped[str] = id_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    slot: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    material_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = created_column()
