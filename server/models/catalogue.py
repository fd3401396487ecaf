"""The service catalogue: departments, material types, service items and their slots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..vocabulary import ItemType, Openness, Secrecy, ServiceStatus
from .base import Base, created_column, id_column

RETENTION_LABELS = {"permanent": "永久", "30y": "30年", "10y": "10年"}


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[str] = id_column()
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    # Part of the archival code scheme (机构代码).
    org_code: Mapped[str] = mapped_column(String(32), default="")

    services: Mapped[list[ServiceItem]] = relationship(back_populates="department")


class MaterialType(Base):
    """A kind of document; shared types may be reused across departments with consent."""

    __tablename__ = "material_types"

    id: Mapped[str] = id_column()
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    # How long an archived copy stays reusable; None means until its own expiry is known.
    valid_days: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ServiceItem(Base):
    """One version of a service item's guide. Versions are never edited: a change publishes a new row.

    A case points at the version it was opened under, so its materials list, size
    limits and time limit stay those the applicant was shown.
    """

    __tablename__ = "service_items"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[str] = id_column()
    code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=ServiceStatus.PUBLISHED)
    published_at: Mapped[datetime] = created_column()
    published_by: Mapped[str] = mapped_column(String(64), default="")
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    time_limit_days: Mapped[int] = mapped_column(Integer)
    statutory_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fees: Mapped[str] = mapped_column(Text, default="不收费")
    retention: Mapped[str] = mapped_column(String(16), default="30y")
    location: Mapped[str] = mapped_column(String(200), default="")
    # Departments that must each decide their part (分流交办); the owner is always included.
    cooperating: Mapped[list] = mapped_column(default=list)
    # DA/T 46 / GB/T 42727 elements its dossiers inherit: the national 事项编码 and 事项类型, the 密级 with its
    # 保密期限 in years (none for 公开), and whether the dossiers may be opened (开放) or stay controlled (控制).
    item_code: Mapped[str] = mapped_column(String(64), default="")
    item_type: Mapped[str] = mapped_column(String(24), default=ItemType.LICENSING)
    secrecy: Mapped[str] = mapped_column(String(16), default=Secrecy.PUBLIC)
    secrecy_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    openness: Mapped[str] = mapped_column(String(16), default=Openness.CONTROLLED)

    department: Mapped[Department] = relationship(back_populates="services")
    materials: Mapped[list[MaterialSlot]] = relationship(
        back_populates="service", order_by="MaterialSlot.position", cascade="all, delete-orphan"
    )

    @property
    def active(self) -> bool:
        """Takes new applications (the published version of a service that is not retired)."""
        return self.status == ServiceStatus.PUBLISHED

    @property
    def retention_label(self) -> str:
        return RETENTION_LABELS.get(self.retention, self.retention)


class MaterialSlot(Base):
    """One line of a service item's materials list (材料清单)."""

    __tablename__ = "material_slots"
    __table_args__ = (UniqueConstraint("service_id", "slot"),)

    id: Mapped[str] = id_column()
    service_id: Mapped[str] = mapped_column(ForeignKey("service_items.id"))
    slot: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    material_type_id: Mapped[str] = mapped_column(ForeignKey("material_types.id"))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    # Key (必要) materials can never be missing at acceptance; others may be (容缺).
    key: Mapped[bool] = mapped_column(Boolean, default=True)
    formats: Mapped[list] = mapped_column(default=list)
    max_bytes: Mapped[int] = mapped_column(Integer, default=20 * 1024 * 1024)
    # 依据性 / 程序性 / 结果性: the archival class of files filed in this slot.
    material_class: Mapped[str] = mapped_column(String(16), default="basis")
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    service: Mapped[ServiceItem] = relationship(back_populates="materials")
    material_type: Mapped[MaterialType] = relationship()

    @property
    def gap_allowed(self) -> bool:
        return not self.key
