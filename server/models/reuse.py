"""E-licences (电子证照) a department issues, and the consent given to each reuse of an archived file."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_column, id_column


class Licence(Base):
    """A result filed as an e-licence: what it licenses, to whom, by whom, until when.

    It is offered to its holder's later applications (at level ``issued``) while it is valid and not
    revoked; ``dossier_id``/``file_id`` say where the archived copy is once the issuing case is sealed.
    """

    __tablename__ = "licences"
    __table_args__ = (UniqueConstraint("licence_type", "number"),)

    id: Mapped[str] = id_column()
    licence_type: Mapped[str] = mapped_column(String(64), index=True)
    licence_type_name: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(64))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_id_number: Mapped[str] = mapped_column(String(32), index=True)
    department_code: Mapped[str] = mapped_column(String(32))
    department_name: Mapped[str] = mapped_column(String(200))
    # None: valid until revoked (长期有效).
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    issued_at: Mapped[datetime] = created_column()
    issued_by: Mapped[str] = mapped_column(String(200))
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    result_id: Mapped[str] = mapped_column(String(32), index=True)
    dossier_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    file_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    archival_code: Mapped[str] = mapped_column(String(128), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_by: Mapped[str] = mapped_column(String(200), default="")
    revoke_reason: Mapped[str] = mapped_column(Text, default="")


class ReuseConsent(Base):
    """One reuse the applicant agreed to: which archived file, into which case and slot, who recorded it, how."""

    __tablename__ = "reuse_consents"

    id: Mapped[str] = id_column()
    at: Mapped[datetime] = created_column()
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    slot: Mapped[str] = mapped_column(String(64))
    material_id: Mapped[str] = mapped_column(String(32))
    dossier_id: Mapped[str] = mapped_column(String(32))
    file_id: Mapped[str] = mapped_column(String(32))
    archival_code: Mapped[str] = mapped_column(String(128), default="")
    applicant_id_number: Mapped[str] = mapped_column(String(32), index=True)
    # online: the applicant themself; in_person: given at the window, recorded under the clerk's name.
    mode: Mapped[str] = mapped_column(String(16))
    recorded_by_id: Mapped[str] = mapped_column(String(32))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_by_role: Mapped[str] = mapped_column(String(16))
