"""A supervision scenario built through the workflow services: cases in many states, clocks at every colour.

Acceptance times are moved back by whole working days after the services have
accepted a case, so the expected clock levels and handling times are exact
whatever the weekday the tests run on.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select
from web_support import jpeg_bytes, pdf_bytes

from server.models import Application, User, utcnow
from server.services.cases import applying, handling, rating, review
from server.services.cases.clock import Calendar
from server.timeutil import LOCAL_TZ, local

PERSON = {"name": "陈建国", "id_number": "330127197603011619", "phone": "13967154321"}


@dataclass
class Expected:
    by_state: dict[str, int] = field(default_factory=dict)
    overdue: list[str] = field(default_factory=list)
    warning: list[str] = field(default_factory=list)
    by_service: dict[str, float] = field(default_factory=dict)
    by_department: dict[str, float] = field(default_factory=dict)
    ratings: dict[int, int] = field(default_factory=dict)
    follow_ups: list[str] = field(default_factory=list)


def workdays_ago(calendar: Calendar, days: int, now: datetime | None = None) -> datetime:
    """10:00 local time on the day that lies ``days`` working days before today, never later than now.

    Before 10:00 in China (16:00-02:00 UTC) today's 10:00 is still to come; a case accepted then would be
    closed before it was accepted, and the four-property check (ZS-05) refuses to seal it.
    """
    now = now or utcnow()
    today = local(now).date()
    day = today
    while calendar.workdays_between(day, today) < days:
        day -= timedelta(days=1)
    return min(datetime.combine(day, time(10), LOCAL_TZ), now)


class Builder:
    def __init__(self, runtime, session) -> None:
        self.runtime = runtime
        self.session = session
        self.calendar = Calendar.load(session)

    def user(self, username: str) -> User:
        return self.session.scalar(select(User).where(User.username == username))

    def submitted(self, service: str, applicant: str = "applicant") -> Application:
        """A case with every required material uploaded, submitted."""
        if applicant == "clerk":
            app = applying.create_draft(self.session, self.user("clerk"), service, PERSON, {"business_name": "示例"})
        else:
            app = applying.create_draft(self.session, self.user(applicant), service, None, {"business_name": "示例"})
        who = self.user(applicant)
        for slot in app.service.materials:
            if slot.required:
                data = jpeg_bytes() if "jpg" in slot.formats else pdf_bytes(slot.name)
                applying.upload_material(
                    self.session,
                    self.runtime,
                    who,
                    app,
                    slot.slot,
                    io.BytesIO(data),
                    f"{slot.slot}.{'jpg' if 'jpg' in slot.formats else 'pdf'}",
                )
        applying.submit(self.session, who, app)
        return app

    def in_progress(self, service: str, departments: list[str], accepted_days_ago: int) -> Application:
        app = self.submitted(service)
        review.review(self.session, self.runtime, self.user("clerk"), app, decision="accept")
        handling.route(self.session, self.user("clerk"), app, departments)
        app.accepted_at = workdays_ago(self.calendar, accepted_days_ago)
        # Submitted no later than accepted: the dossier's DA/T 46 times are checked for order (ZS-05).
        app.submitted_at = min(app.submitted_at or app.accepted_at, app.accepted_at)
        return app

    def completed(self, service: str, department: str, accepted_days_ago: int, score: int | None) -> Application:
        app = self.in_progress(service, [department], accepted_days_ago)
        officer = self.user(f"officer-{department}")
        handling.upload_result(
            self.session, self.runtime, officer, app, "许可证", io.BytesIO(pdf_bytes("许可证")), "许可证.pdf"
        )
        handling.decide(self.session, officer, app, "approved", "符合条件")
        handling.complete(self.session, self.runtime, officer, app)
        if score is not None:
            rating.rate(self.session, self.user("applicant"), app, score, f"{score} 星")
        return app


def build(runtime) -> tuple[Expected, dict[str, str]]:
    """Nine cases; returns what the dashboard must show, and the tracking numbers by name."""
    with runtime.db.session() as session:
        b = Builder(runtime, session)
        cases = {
            "overdue": b.in_progress("minsu", ["wlj", "gaj"], 7),  # 7 of 5 days: red
            "warning": b.in_progress("food-grocery", ["scjg"], 4),  # 4 of 5: yellow
            "fresh": b.in_progress("special-trade", ["gaj", "xfjy"], 1),  # 1 of 10: green
            "slow": b.completed("sole-trader", "scjg", 3, 2),  # 3 days, rated 2: follow-up
            "quick": b.completed("sole-trader", "scjg", 1, 5),  # 1 day, rated 5
            "hygiene": b.completed("public-hygiene", "wjj", 2, None),  # 2 days, not rated
            "submitted": b.submitted("food-grocery"),
        }
        correction = b.submitted("sole-trader")
        review.review(
            session,
            runtime,
            b.user("clerk"),
            correction,
            decision="correct",
            verdicts=[{"slot": "premises_proof", "ok": False, "reason": "租赁合同已过期"}],
        )
        cases["correction"] = correction
        cases["draft"] = applying.create_draft(session, b.user("applicant2"), "minsu", None, {})
        session.flush()
        tracking = {name: app.tracking_number or app.id for name, app in cases.items()}

    expected = Expected(
        by_state={"in_progress": 3, "archived": 3, "submitted": 1, "needs_correction": 1, "draft": 1},
        overdue=[tracking["overdue"]],
        warning=[tracking["warning"]],
        by_service={"sole-trader": 2.0, "public-hygiene": 2.0},
        by_department={"scjg": 2.0, "wjj": 2.0},
        ratings={1: 0, 2: 1, 3: 0, 4: 0, 5: 1},
        follow_ups=[tracking["slow"]],
    )
    return expected, tracking
