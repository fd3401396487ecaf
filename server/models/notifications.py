"""Messages to people about their cases: the inbox, each user's channels, and each e-mail and SMS sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_column, id_column

LANGUAGES = ("zh-CN", "en")
CHANNELS = ("email", "sms")
DELIVERY_STATES = ("pending", "sent", "off", "failed")


class Notification(Base):
    """One inbox entry. Title and body are rendered once, in the recipient's language at the time,
    so the inbox reads the same later whatever changes in the case."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_inbox", "user_id", "created_at"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    application_id: Mapped[str | None] = mapped_column(ForeignKey("applications.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_column()
    read_at: Mapped[datetime | None] = mapped_column(nullable=True)


class NotificationPreference(Base):
    """A user's channels; without a row the defaults of services/notifications/preferences.py apply."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    sms: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    updated_at: Mapped[datetime] = created_column()


class NotificationDelivery(Base):
    """One e-mail or SMS, sent by a job. A walk-in applicant without an account has SMS only, with no
    inbox entry (``notification_id`` empty), so the text to send is kept here."""

    __tablename__ = "notification_deliveries"

    id: Mapped[str] = id_column()
    notification_id: Mapped[str | None] = mapped_column(ForeignKey("notifications.id"), nullable=True, index=True)
    application_id: Mapped[str | None] = mapped_column(ForeignKey("applications.id"), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_column()
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
