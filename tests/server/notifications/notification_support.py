"""Helpers of the notification tests: cases built through the workflow services, what was written and
queued, and the record of a loopback SMS gateway."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from sqlalchemy import select

from server.models import Application, Notification, NotificationDelivery, User
from server.services.cases import applying

WALK_IN = {"name": "陈建国", "id_number": "330127197603011619", "phone": "13967154321"}


def pdf_bytes(text: str = "OneWindow") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


class Cases:
    """Cases of the sole-trader service (market regulation, three PDFs) in one session."""

    def __init__(self, runtime, session) -> None:
        self.runtime, self.session = runtime, session

    def user(self, username: str) -> User:
        return self.session.scalar(select(User).where(User.username == username))

    def draft(self, by: str = "applicant", service: str = "sole-trader") -> Application:
        who = self.user(by)
        app = applying.create_draft(self.session, who, service, WALK_IN if by == "clerk" else None, {})
        for slot in app.service.materials:
            if slot.required:
                data = io.BytesIO(pdf_bytes(slot.name))
                applying.upload_material(self.session, self.runtime, who, app, slot.slot, data, f"{slot.slot}.pdf")
        return app

    def submitted(self, by: str = "applicant", service: str = "sole-trader") -> Application:
        app = self.draft(by, service)
        applying.submit(self.session, self.user(by), app)
        return app


def inbox_of(session, username: str) -> list[Notification]:
    user = session.scalar(select(User).where(User.username == username))
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.created_at)
    return list(session.scalars(query))


def deliveries(session, **where) -> list[NotificationDelivery]:
    query = select(NotificationDelivery).filter_by(**where).order_by(NotificationDelivery.created_at)
    return list(session.scalars(query))


@dataclass
class SmsReceiver:
    """A loopback HTTP gateway: records each POSTed JSON and answers with the next queued status (200 after)."""

    url: str = ""
    received: list[dict] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
