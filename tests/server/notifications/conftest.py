"""Fixtures for the notification tests: the demo centre with e-mail addresses and a department head,
cases built through the workflow services, and loopback receivers for what is sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from notification_support import Cases, SmsReceiver
from sqlalchemy import select

from server.models import User


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


@pytest.fixture
def cases(centre) -> Iterator[Cases]:
    with centre.db.session() as session:
        yield Cases(centre, session)


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
