"""The public status lookup: what it shows, read in one statement however many steps a case has."""

from __future__ import annotations

from sqlalchemy import event

from server.models import Application, CaseEvent
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
