"""E-mail really arriving in Mailpit (scripts/services), SMS at a loopback gateway, both sent by jobs that
retry while the server or gateway fails, losing nothing."""

from __future__ import annotations

import json
import secrets
import socket
import urllib.parse
import urllib.request
from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from notification_support import WALK_IN, deliveries
from sqlalchemy import select

from server.channels import open_mailer
from server.jobs import Worker
from server.models import Job, utcnow
from server.services.notifications.delivery import DELIVERY_JOB


@pytest.fixture
def settings(embedded_settings, mailpit, sms_gateway):
    return replace(embedded_settings, smtp_url=mailpit.smtp_url, sms_url=sms_gateway.url, sms_sign="某县政务服务中心")


def run_jobs(runtime) -> int:
    return Worker(runtime.db, runtime, name="test").run_until_idle()


def run_jobs_later(runtime, minutes: int) -> int:
    """The worker as it runs ``minutes`` from now, when the jobs' backoff has passed."""
    with time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=True):
        return run_jobs(runtime)


def mail_to(mailpit, address: str) -> list[dict]:
    query = urllib.parse.urlencode({"query": f'to:"{address}"'})
    with urllib.request.urlopen(f"{mailpit.api_url}/search?{query}", timeout=10) as response:
        found = json.load(response)["messages"]
    messages = []
    for summary in found:
        with urllib.request.urlopen(f"{mailpit.api_url}/message/{summary['ID']}", timeout=10) as response:
            messages.append(json.load(response))
    return messages


def unique_address(cases, username: str) -> str:
    address = f"{username}.{secrets.token_hex(4)}@example.test"
    cases.user(username).email = address
    return address


def test_an_email_arrives_in_mailpit_with_its_chinese_subject_and_body(cases, centre, mailpit):
    address = unique_address(cases, "applicant")
    app = cases.submitted()
    cases.session.commit()
    assert run_jobs(centre) >= 1
    [message] = mail_to(mailpit, address)
    assert message["Subject"] == "申请已收到"
    assert [to["Address"] for to in message["To"]] == [address]
    assert message["From"]["Address"] == "noreply@onewindow.localhost"
    assert app.tracking_number in message["Text"] and "个体工商户设立登记" in message["Text"]
    assert "已提交" in message["Text"]
    [row] = deliveries(cases.session, channel="email", address=address)
    cases.session.refresh(row)
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1


def test_a_walk_in_applicant_is_texted_through_the_gateway(cases, centre, sms_gateway):
    app = cases.submitted(by="clerk")
    cases.session.commit()
    run_jobs(centre)
    [text] = sms_gateway.received
    assert text["path"] == "/send" and text["phone"] == WALK_IN["phone"] and text["sign"] == "某县政务服务中心"
    assert app.tracking_number in text["text"] and "已提交" in text["text"]


def test_a_failing_sms_gateway_is_retried_until_it_takes_the_text(cases, centre, sms_gateway):
    sms_gateway.statuses = [503, 500]
    cases.submitted(by="clerk")
    cases.session.commit()
    run_jobs(centre)
    [row] = deliveries(cases.session, channel="sms")
    cases.session.refresh(row)
    assert row.status == "pending" and "503" in row.last_error and sms_gateway.received == []
    run_jobs_later(centre, 1)
    cases.session.refresh(row)
    assert row.status == "pending" and "500" in row.last_error and row.attempts == 2
    run_jobs_later(centre, 10)
    cases.session.refresh(row)
    assert row.status == "sent" and row.attempts == 3
    assert len(sms_gateway.received) == 1, "sent once, not once per attempt"
    job = cases.session.scalar(select(Job).where(Job.kind == DELIVERY_JOB, Job.subject == f"notify:{row.id}"))
    assert job.status == "done" and job.attempts == 3


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_mail_queued_while_the_smtp_server_is_down_arrives_when_it_is_back(cases, centre, mailpit):
    address = unique_address(cases, "applicant")
    working = centre.mailer
    centre.mailer = open_mailer(f"smtp://127.0.0.1:{_closed_port()}", sender="中心 <noreply@example.test>")
    app = cases.submitted()
    cases.session.commit()
    run_jobs(centre)
    [row] = deliveries(cases.session, channel="email", address=address)
    cases.session.refresh(row)
    assert row.status == "pending" and "ConnectionRefusedError" in row.last_error
    assert mail_to(mailpit, address) == []
    centre.mailer = working
    run_jobs_later(centre, 5)
    [message] = mail_to(mailpit, address)
    assert app.tracking_number in message["Text"]
    cases.session.refresh(row)
    assert row.status == "sent" and row.attempts == 2


def test_healthz_reports_both_channels(client, centre):
    checks = client.get("/healthz").get_json()["checks"]
    assert checks["email"]["ok"] and checks["email"]["detail"].startswith("smtp://127.0.0.1:")
    assert checks["sms"]["ok"] and checks["sms"]["detail"].endswith("/send")
