"""Fixtures for the notification tests: the demo centre with e-mail addresses and a department head,
cases built through the workflow services, and loopback receivers for what is sent."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
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


@pytest.fixture
def centre(runtime, demo):
    """Every demo account gets an e-mail address; the officers of market regulation and public security
    head their departments (科室负责人)."""
    with runtime.db.session() as session:
        for user in session.scalars(select(User)):
            user.email = f"{user.username}@example.test"
        for head in session.scalars(select(User).where(User.username.in_(["officer-scjg", "officer-gaj"]))):
            head.is_head = True
    return runtime


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


@pytest.fixture
def cases(centre) -> Iterator[Cases]:
    with centre.db.session() as session:
        yield Cases(centre, session)


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


@pytest.fixture
def sms_gateway() -> Iterator[SmsReceiver]:
    receiver = SmsReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            if status < 300:
                receiver.received.append({"path": self.path, **json.loads(body)})
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="sms-gateway", daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    yield receiver
    server.shutdown()
    server.server_close()
