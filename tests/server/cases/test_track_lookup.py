"""The public status lookup: what it shows, read in one statement however many steps a case has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from server.errors import NotFound
from server.models import Application, CaseEvent, ClockPause, Holiday, utcnow
from server.services.cases import queries
from server.services.cases.clock import Calendar
from server.services.cases.views import public_status
from server.vocabulary import EventAction

PHONE = "13857104321"


def _submitted_case(client, runtime, settings) -> str:
    login = client.post("/api/v1/auth/token", json={"username": "applicant", "password": settings.demo_password})
    headers = {"Authorization": f"Bearer {login.get_json()['token']}"}
    created = client.post(
        "/api/v1/applications",
        headers=headers,
        json={
            "service_code": "minsu",
            "applicant": {"name": "王丽华", "id_number": "330127198805123429", "phone": PHONE},
        },
    )
    assert created.status_code == 201, created.get_json()
    with runtime.db.session() as session:
        app = session.get(Application, created.get_json()["id"])
        app.tracking_number, app.status = "TRLOOKUP0001", "submitted"
        for seq, action in enumerate((EventAction.SUBMIT, EventAction.SUBMIT), start=len(app.events) + 1):
            session.add(CaseEvent(application_id=app.id, seq=seq, action=action, before="draft", after="submitted"))
        session.commit()
    return "TRLOOKUP0001"


def test_a_lookup_is_one_statement_and_shows_service_department_and_steps(client, runtime, demo, settings):
    number = _submitted_case(client, runtime, settings)
    statements: list[str] = []
    engine = runtime.db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answer = client.get(f"/api/v1/track/{number}?phone_last4=4321")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert body["service_name"] == "开办民宿" and body["department"] and len(body["steps"]) == 2
    assert body["due_date"] is None, "not accepted yet: no clock"
    lookups = [s for s in statements if "applications" in s and "tracking_number" in s]
    assert len(lookups) == 1 and len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, (
        statements
    )


def test_a_wrong_phone_finds_nothing(client, runtime, demo, settings):
    number = _submitted_case(client, runtime, settings)
    assert client.get(f"/api/v1/track/{number}?phone_last4=0000").status_code == 404


@pytest.mark.parametrize("stage", ["submitted", "accepted", "paused", "completed"])
def test_the_lean_lookup_answers_what_the_cases_objects_say(client, runtime, demo, settings, stage):
    """The lookup reads plain rows; its answer is the one public_status gives for the loaded Application."""
    number = _submitted_case(client, runtime, settings)
    now = utcnow()
    with runtime.db.session() as session:
        app = session.scalar(select(Application).where(Application.tracking_number == number))
        session.add(CaseEvent(application_id=app.id, seq=50, action=EventAction.UPLOAD, after="submitted"))
        if stage != "submitted":
            app.status, app.accepted_at, app.limit_days = "accepted", now - timedelta(days=20), 12
            session.add(CaseEvent(application_id=app.id, seq=51, action=EventAction.ACCEPT, after="accepted"))
            session.add(Holiday(day=(now - timedelta(days=9)).date()))
            session.add(Holiday(day=(now - timedelta(days=5)).date(), working=True))
        if stage in ("paused", "completed"):
            session.add(
                ClockPause(application=app, started_at=now - timedelta(days=8), ended_at=now - timedelta(days=3))
            )
            session.add(ClockPause(application=app, started_at=now - timedelta(days=2), reason="expert_review"))
        if stage == "completed":
            app.status, app.decided_at, app.completed_at = "completed", now - timedelta(days=1), now
            session.add(CaseEvent(application_id=app.id, seq=52, action=EventAction.COMPLETE, after="completed"))
        session.commit()
    with runtime.db.session() as session:
        lean = queries.public_track(session, number, "4321")
        loaded = session.scalar(select(Application).where(Application.tracking_number == number))
        assert lean == public_status(loaded, Calendar.load(session))
    assert [step["action"] for step in lean["steps"]][-1] == {"submitted": "submit", "accepted": "accept"}.get(
        stage, "accept" if stage == "paused" else "complete"
    )
    assert "upload" not in [step["action"] for step in lean["steps"]], "private steps stay private"
    with runtime.db.engine.connect() as connection:  # as the lane beneath Flask reads it
        assert queries.public_track(connection, number, "4321") == lean


@pytest.mark.parametrize("digits", ["0000", "", "321", "54321"])
def test_the_lean_lookup_finds_nothing_without_the_phones_last_four_digits(client, runtime, demo, settings, digits):
    number = _submitted_case(client, runtime, settings)
    with runtime.db.session() as session, pytest.raises(NotFound):
        queries.track(session, number, digits)
    with runtime.db.session() as session, pytest.raises(NotFound):
        queries.track(session, "TRNOSUCHCASE", "4321")
