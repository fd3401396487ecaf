"""The archive: stored objects, dossiers (一事一档), their files, numbering and checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import MaterialClass
from .base import Base, created_column, id_column

# Code → the name printed in a dossier's metadata (the codes themselves live in server/vocabulary.py).
MATERIAL_CLASSES = {c.value: c.label for c in MaterialClass}


class StoredObject(Base):
    """Every object the app writes, with where it lives and its digests.

    Recording the backend per object lets local and S3 objects coexist, and a
    store be migrated object by object, with the digests to prove nothing changed.
    """

    __tablename__ = "stored_objects"
    __table_args__ = (UniqueConstraint("backend", "key"),)

    id: Mapped[str] = id_column()
    backend: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(1024))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # An upload records SHA-256 only; the object_facts job adds SM3, SHA-512 and the format (formats.FormatInfo
    # as a dict, with the file-name suffix it was identified under) before the case is sealed.
    sm3: Mapped[str] = mapped_column(String(64), default="")
    sha512: Mapped[str] = mapped_column(String(128), default="")
    format: Mapped[dict | None] = mapped_column(nullable=True)
    media_type: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    sealed_until: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = created_column()


class ArchivalSequence(Base):
    """The last item number used per classification group, so numbers have no gaps.

    The number is taken in the same transaction that records the dossier: if
    sealing fails, the number is given back with the rollback.
    """

    __tablename__ = "archival_sequences"
    __table_args__ = (UniqueConstraint("code_group"),)

    id: Mapped[str] = id_column()
    fonds: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(16))
    org_code: Mapped[str] = mapped_column(String(32))
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    # The parts of the 档号 the scheme uses besides the number (numbering.code_group): numbers have no gaps
    # within it, so a scheme without the organisation code numbers every department in one run.
    code_group: Mapped[str] = mapped_column(String(255))


class Dossier(Base):
    __tablename__ = "dossiers"
    # A correction is a new version under the same archival code, never a change in place.
    __table_args__ = (UniqueConstraint("archival_code", "version"),)

    id: Mapped[str] = id_column()
    archival_code: Mapped[str] = mapped_column(String(128), index=True)
    fonds: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(16))
    org_code: Mapped[str] = mapped_column(String(32))
    item_number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    service_code: Mapped[str] = mapped_column(String(64))
    # The guide's version the case was opened under (1 for imported records).
    service_version: Mapped[int] = mapped_column(Integer, default=1)
    service_name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(String(32))
    department_name: Mapped[str] = mapped_column(String(200))
    # Departments whose officers may see the whole dossier (owner and those routed to).
    departments: Mapped[list] = mapped_column(default=list)
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_id_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    application_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    tracking_number: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(32), default="")
    opened_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime] = mapped_column()
    sealed_at: Mapped[datetime] = created_column()
    sealed_by: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(16), default="intake")
    source_paths: Mapped[list] = mapped_column(default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True)
    correction_reason: Mapped[str] = mapped_column(Text, default="")
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    package_prefix: Mapped[str] = mapped_column(String(512))
    check_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # passed / failed / incomplete (a check could not run); "" before the first check.
    check_status: Mapped[str] = mapped_column(String(16), default="")
    checked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # DA/T 46 / GB/T 42727 elements (services/archive/metadata.py renders them): the numbering group, the
    # 门类代码, 全宗名称 and 立档单位 as sealed, 责任者 (the deciding departments), the service's 事项编码 and
    # 事项类型, 密级, 保密期限 and 开放状态, the case's 申请 and 受理 times, 承诺时限 and the applicant's 证件类型.
    code_group: Mapped[str] = mapped_column(String(255), default="", index=True)
    category_code: Mapped[str] = mapped_column(String(16), default="")
    fonds_name: Mapped[str] = mapped_column(String(200), default="")
    archiving_unit: Mapped[str] = mapped_column(String(200), default="")
    responsible: Mapped[str] = mapped_column(String(500), default="")
    item_code: Mapped[str] = mapped_column(String(64), default="")
    item_type: Mapped[str] = mapped_column(String(24), default="")
    secrecy: Mapped[str] = mapped_column(String(16), default="")
    secrecy_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    openness: Mapped[str] = mapped_column(String(16), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    time_limit_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    id_type: Mapped[str] = mapped_column(String(16), default="")
    # What the archiving scope check (scope.py) compares with: the case's deferred (容缺) slots and end.
    deferred_slots: Mapped[list] = mapped_column(default=list)
    case_status: Mapped[str] = mapped_column(String(24), default="")

    files: Mapped[list[DossierFile]] = relationship(
        back_populates="dossier", order_by="DossierFile.seq", cascade="all, delete-orphan"
    )
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", order_by="DossierEvent.at", cascade="all, delete-orphan"
    )


class DossierFile(Base):
    __tablename__ = "dossier_files"
    __table_args__ = (UniqueConstraint("dossier_id", "seq"),)

    id: Mapped[str] = id_column()
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    path: Mapped[str] = mapped_column(String(600))
    material_type: Mapped[str] = mapped_column(String(64), default="")
    material_type_name: Mapped[str] = mapped_column(String(200), default="")
    material_class: Mapped[str] = mapped_column(String(16), default="basis")
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    sha512: Mapped[str] = mapped_column(String(128))
    sm3: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[str] = mapped_column(ForeignKey("stored_objects.id"))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_until: Mapped[datetime | None] = mapped_column(nullable=True)
    # vocabulary.VerificationLevel as sealed; the e-licence this file is, if it is one.
    level: Mapped[str] = mapped_column(String(24), default="archived_copy")
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    verified_at: Mapped[datetime | None] = mapped_column(nullable=True)
    licence_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # 格式信息 from format identification at sealing (services/archive/formats.py): PRONOM name, version and
    # identifier, the creating software and, for scans, 数字化属性 {resolution, colour_mode, compression}.
    format_name: Mapped[str] = mapped_column(String(200), default="")
    format_version: Mapped[str] = mapped_column(String(64), default="")
    pronom: Mapped[str] = mapped_column(String(32), default="")
    creating_software: Mapped[str] = mapped_column(String(200), default="")
    digitization: Mapped[dict] = mapped_column(default=dict)
    # Extraction (text per page, previews) runs as a job after sealing; see services/archive/text.py.
    text_status: Mapped[str] = mapped_column(String(16), default="pending")
    text_detail: Mapped[str] = mapped_column(Text, default="")
    text_pages: Mapped[int] = mapped_column(Integer, default=0)
    preview_pages: Mapped[int] = mapped_column(Integer, default=0)

    dossier: Mapped[Dossier] = relationship(back_populates="files")
    stored: Mapped[StoredObject] = relationship()


class DossierEvent(Base):
    """What happened to a dossier after sealing: checks, exports, corrections, reads."""

    __tablename__ = "dossier_events"

    id: Mapped[str] = id_column()
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime] = created_column()
    actor: Mapped[str] = mapped_column(String(200), default="system")
    action: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    detail: Mapped[dict] = mapped_column(default=dict)

    dossier: Mapped[Dossier] = relationship(back_populates="events")


class CheckReport(Base):
    """A four-property check (四性检测) report; the JSON is also stored beside the package."""

    __tablename__ = "check_reports"

    id: Mapped[str] = id_column()
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime] = created_column()
    trigger: Mapped[str] = mapped_column(String(16))
    ok: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default="")
    report: Mapped[dict] = mapped_column(default=dict)
    object_key: Mapped[str] = mapped_column(String(1024), default="")
