"""What the notification API accepts and answers (API.md, "Notifications")."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from .schemas import Body, Paging

Language = Literal["zh-CN", "en"]


class InboxQuery(Paging):
    unread: bool = Field(default=False, description="only the notifications not read yet")


class NotificationOut(BaseModel):
    id: str
    at: datetime
    kind: str = Field(description="one of server/vocabulary.py NotificationKind: receipt, correction, acceptance, …")
    title: str
    body: str
    application_id: str | None
    read: bool


class Inbox(BaseModel):
    total: int
    unread: int
    page: int
    per_page: int
    items: list[NotificationOut] = Field(description="newest first")


class ChannelsOut(BaseModel):
    email: bool = Field(description="also by e-mail, to the account's address (when the centre has SMTP)")
    sms: bool = Field(description="also by SMS, to the account's phone (when the centre has an SMS gateway)")
    language: Language = Field(description="the language notifications are written in")


class ChannelsChange(Body):
    """Only the fields given change; the inbox always receives everything."""

    email: bool | None = None
    sms: bool | None = None
    language: Language | None = None
