"""Without ONEWINDOW_SMTP_URL and ONEWINDOW_SMS_URL the inbox still works and nothing is left waiting."""

from __future__ import annotations

from notification_support import deliveries, inbox_of
from sqlalchemy import select

from server.jobs import Worker, job_counts
from server.models import Job


def test_without_channels_the_inbox_works_and_the_deliveries_say_the_channel_is_off(cases, centre):
    assert centre.mailer is None and centre.sms is None
    cases.submitted()
    cases.session.commit()
    Worker(centre.db, centre, name="test").run_until_idle()
    assert inbox_of(cases.session, "applicant") and inbox_of(cases.session, "clerk")
    rows = deliveries(cases.session)
    for row in rows:
        cases.session.refresh(row)
    assert rows and {row.status for row in rows} == {"off"}
    assert all("is not set" in row.last_error for row in rows)
    counts = job_counts(cases.session)
    assert counts["failed"] == 0 and counts["pending"] == 0
    assert cases.session.scalar(select(Job).where(Job.status != "done")) is None
