"""What happens to a dossier's package over the years (PREMIS events) and its transfer to the archives bureau."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, created_column, id_column


class PreservationEvent(Base):
    """One PREMIS event (vocabulary.PreservationEventType) with its agent and outcome, exported with the package."""

    __tablename__ = "preservation_events"

    id: Mapped[str] = id_column()
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    at: Mapped[datetime] = created_column()
    event_type: Mapped[str] = mapped_column(String(32))
    agent: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    # The file the event concerns; none for the package as a whole.
    file_path: Mapped[str] = mapped_column(String(600), default="")


class TransferBatch(Base):
    """One transfer (移交) to the archives bureau: a row of the 移交登记表."""

    __tablename__ = "transfer_batches"

    id: Mapped[str] = id_column()
    # 移交批次号, e.g. 0001-2026-001: the fonds, the year and the batch's number within them.
    batch_number: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_column()
    created_by: Mapped[str] = mapped_column(String(200))
    dossier_count: Mapped[int] = mapped_column(Integer)
    file_count: Mapped[int] = mapped_column(Integer)
    total_bytes: Mapped[int] = mapped_column(BigInteger)
    # SM3 of the batch's manifest (manifest-sm3.txt), as signed.
    manifest_sm3: Mapped[str] = mapped_column(String(64))
    out_dir: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[TransferItem]] = relationship(back_populates="batch", order_by="TransferItem.seq")


class TransferItem(Base):
    """A dossier version as transferred in a batch: the mark that it went, with which batch and when."""

    __tablename__ = "transfer_items"
    __table_args__ = (UniqueConstraint("batch_id", "dossier_id"),)

    id: Mapped[str] = id_column()
    batch_id: Mapped[str] = mapped_column(ForeignKey("transfer_batches.id"), index=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    archival_code: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    transferred_at: Mapped[datetime] = created_column()

    batch: Mapped[TransferBatch] = relationship(back_populates="items")
