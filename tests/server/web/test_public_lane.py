"""Status lookups and cached guide pages answered beneath Flask: the same answers, the same budgets, the same cookies.

Each answer of the lane is compared with the one the whole Flask stack gives
the same request: a request with an unrelated cookie does not fit the lane, so
it is Flask's, and its answer is otherwise the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from server.db_changes import Unwatched
from server.models import Application, CaseEvent, ClockPause, Holiday, utcnow
from server.vocabulary import EventAction
from server.web import page_cache, throttle

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PHONE = "13857104321"
NUMBER = "TRLANE000001"
FLASK = {"Cookie": "unrelated=1"}  # any cookie sends a request through the whole stack
GUIDE = "/services/minsu"


@pytest.fixture
def flask_calls(app, monkeypatch) -> list[str]:
    """The paths Flask's dispatch handled; a request the lane answers is not among them."""
    calls: list[str] = []
    dispatch = app.full_dispatch_request

    def counted():
        from flask import request

        calls.append(request.path)
        return dispatch()

    monkeypatch.setattr(app, "full_dispatch_request", counted)
    return calls


def _case(client, runtime, settings, *, accepted: bool = False) -> str:
    login = client.post("/api/v1/auth/token", json={"username": "applicant", "password": settings.demo_password})
    created = client.post(
        "/api/v1/applications",
        headers={"Authorization": f"Bearer {login.get_json()['token']}"},
        json={
            "service_code": "minsu",
            "applicant": {"name": "王丽华", "id_number": "330127198805123429", "phone": PHONE},
        },
    )
    assert created.status_code == 201, created.get_json()
    with runtime.db.session() as session:
        app = session.get(Application, created.get_json()["id"])
        app.tracking_number, app.status, app.submitted_at = NUMBER, "submitted", utcnow() - timedelta(days=12)
        session.add(CaseEvent(application_id=app.id, seq=90, action=EventAction.SUBMIT, after="submitted"))
        if accepted:
            app.status, app.accepted_at = "accepted", utcnow() - timedelta(days=10)
            session.add(CaseEvent(application_id=app.id, seq=91, action=EventAction.ACCEPT, after="accepted"))
            session.add(ClockPause(application=app, started_at=utcnow() - timedelta(days=6), ended_at=utcnow()))
            session.add(Holiday(day=date.today() - timedelta(days=8)))
        session.commit()
    return NUMBER


def _same_answer(lane, full) -> None:
    assert (lane.status_code, lane.get_data()) == (full.status_code, full.get_data())
    assert list(lane.headers) == list(full.headers)


@pytest.mark.parametrize("accepted", [False, True], ids=["submitted", "accepted-with-pause-and-holiday"])
def test_a_found_case_is_answered_beneath_flask_as_flask_answers_it(
    app, runtime, demo, settings, flask_calls, accepted
):
    number = _case(app.test_client(), runtime, settings, accepted=accepted)
    client = app.test_client(use_cookies=False)
    path = f"/api/v1/track/{number}?phone_last4=4321"
    flask_calls.clear()
    lane = client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert flask_calls == []
    full = client.get(path, headers=FLASK, environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert flask_calls == [f"/api/v1/track/{number}"]
    _same_answer(lane, full)
    body = lane.get_json()
    assert body["tracking_number"] == number and [s["action"] for s in body["steps"]][-1] in ("submit", "accept")
    assert (body["due_date"] is not None) == accepted
    assert "王丽华" not in lane.get_data(as_text=True) and PHONE not in lane.get_data(as_text=True)


def test_misses_are_flasks_answers_and_count_once_against_the_number(app, runtime, demo, settings, flask_calls):
    number = _case(app.test_client(), runtime, settings)
    client = app.test_client(use_cookies=False)
    for guess in range(9):
        miss = client.get(
            f"/api/v1/track/{number}?phone_last4={guess:04d}", environ_base={"REMOTE_ADDR": f"203.0.113.{guess}"}
        )
        assert miss.status_code == 404 and miss.get_json()["error"]["code"] == "not_found"
    full_miss = client.get(
        f"/api/v1/track/{number}?phone_last4=0009", headers=FLASK, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert full_miss.status_code == 404
    # nine misses beneath Flask and one through it: ten, the number's hourly budget, so each counted once
    assert flask_calls.count(f"/api/v1/track/{number}") == 10
    refused = client.get(f"/api/v1/track/{number}?phone_last4=4321", environ_base={"REMOTE_ADDR": "192.0.2.50"})
    refused_by_flask = client.get(
        f"/api/v1/track/{number}?phone_last4=4321", headers=FLASK, environ_base={"REMOTE_ADDR": "192.0.2.51"}
    )
    assert refused.status_code == 429 and refused.get_json()["error"]["details"]["retry_after"] > 0
    _same_answer(refused, refused_by_flask)


def test_every_answered_lookup_counts_against_the_clients_budget(app, runtime, demo, settings, flask_calls):
    number = _case(app.test_client(), runtime, settings)
    client = app.test_client(use_cookies=False)
    path = f"/api/v1/track/{number}?phone_last4=4321"
    for n in range(30):
        headers = FLASK if n % 3 == 0 else {}  # the lane and Flask share the budget
        assert client.get(path, headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.5"}).status_code == 200
    flask_calls.clear()
    refused = client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.5"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    assert flask_calls == [f"/api/v1/track/{number}"], "the refusal is rendered by Flask's handler"
    assert client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.6"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["phone_last4=43210", "phone_last4=4321&x=1", "phone_last4=", "", "phone_last4=４３２１"],
)
def test_lookups_the_lane_cannot_answer_exactly_are_flasks(app, runtime, demo, settings, flask_calls, query):
    number = _case(app.test_client(), runtime, settings)
    flask_calls.clear()
    answer = app.test_client(use_cookies=False).get(f"/api/v1/track/{number}?{query}")
    assert flask_calls == [f"/api/v1/track/{number}"]
    assert answer.status_code in (200, 400, 404)


@pytest.fixture
def statements(runtime) -> Iterator[list[str]]:
    """The SQL the app's engine runs from here on."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(runtime.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(runtime.db.engine, "before_cursor_execute", record)


def _lookup(client, number: str, address: str = "192.0.2.30", headers: dict | None = None):
    return client.get(
        f"/api/v1/track/{number}?phone_last4=4321", headers=headers, environ_base={"REMOTE_ADDR": address}
    )


def test_a_found_answer_is_kept_until_the_database_commits(app, runtime, demo, settings, flask_calls, statements):
    number = _case(app.test_client(), runtime, settings)
    client = app.test_client(use_cookies=False)
    flask_calls.clear()
    first = _lookup(client, number)
    assert first.get_json()["status"] == "submitted" and statements, "the first lookup reads the database"
    statements.clear()
    again = _lookup(client, number)
    assert statements == [] and again.get_data() == first.get_data(), "the next one is the kept answer"
    with runtime.db.session() as session:  # a clerk accepts the case
        case = session.scalar(select(Application).where(Application.tracking_number == number))
        case.status, case.accepted_at = "accepted", utcnow()
        session.add(CaseEvent(application_id=case.id, seq=95, action=EventAction.ACCEPT, after="accepted"))
    statements.clear()
    changed = _lookup(client, number)
    assert statements, "after a commit the case is read again"
    assert changed.get_json()["status"] == "accepted" and changed.get_json()["due_date"] is not None
    _same_answer(changed, _lookup(client, number, headers=FLASK))
    assert flask_calls == [f"/api/v1/track/{number}"], "only the lookup sent through Flask on purpose"


def test_an_answer_kept_yesterday_is_read_again_today(app, runtime, demo, settings, statements, monkeypatch):
    """An open pause moves the due date every working day, with no commit: the day is part of the key."""
    number = _case(app.test_client(), runtime, settings, accepted=True)
    with runtime.db.session() as session:
        case = session.scalar(select(Application).where(Application.tracking_number == number))
        session.add(ClockPause(application=case, started_at=utcnow() - timedelta(days=1), reason="expert_review"))
    client = app.test_client(use_cookies=False)
    today = _lookup(client, number).get_json()
    later = utcnow() + timedelta(days=7)
    from server.services.cases import clock
    from server.web import public_lane

    monkeypatch.setattr(public_lane, "utcnow", lambda: later)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    statements.clear()
    next_week = _lookup(client, number, address="192.0.2.31")
    assert statements, "a new day is read from the database"
    assert next_week.get_json()["due_date"] > today["due_date"]
    _same_answer(next_week, _lookup(client, number, address="192.0.2.32", headers=FLASK))


def test_a_database_that_cannot_be_watched_is_read_for_every_lookup(app, runtime, demo, settings, statements):
    number = _case(app.test_client(), runtime, settings)
    runtime.db.changes = Unwatched()  # as on PostgreSQL
    client = app.test_client(use_cookies=False)
    answers = []
    for _ in range(3):
        statements.clear()
        answers.append(_lookup(client, number).get_data())
        assert statements, "nothing is kept"
    assert len(set(answers)) == 1


def test_lookup_keys_are_the_rules_keys(app):
    with app.test_request_context("/api/v1/track/tr123?phone_last4=1234", environ_base={"REMOTE_ADDR": "2001:db8::7"}):
        from flask import request

        request.view_args = {"tracking_number": "tr123"}
        assert throttle.lookup_keys("2001:db8::7", "tr123") == tuple(rule.key() for rule in throttle.TRACKING_LIMITS)


# --- the guide page --------------------------------------------------------


def _without_token(page: str) -> str:
    return CSRF.sub("", page)


@pytest.mark.parametrize("language", ["zh-CN,zh;q=0.9", "en-GB,en;q=0.8"])
def test_a_cached_guide_is_answered_beneath_flask_with_a_fresh_token_and_session(app, demo, flask_calls, language):
    headers = {"Accept-Language": language}
    first = app.test_client().get(GUIDE, headers=headers)
    assert flask_calls == [GUIDE], "the first reader's page is rendered"
    reader = app.test_client()
    lane = reader.get(GUIDE, headers=headers)
    assert flask_calls == [GUIDE], "the next one comes from the cache beneath Flask"
    full = app.test_client(use_cookies=False).get(GUIDE, headers={**headers, **FLASK})
    assert flask_calls == [GUIDE, GUIDE]

    page = lane.get_data(as_text=True)
    assert page_cache.CSRF_MARK not in page and _without_token(page) == _without_token(first.get_data(as_text=True))
    assert _without_token(page) == _without_token(full.get_data(as_text=True))
    assert ('<html lang="en">' in page) == language.startswith("en")
    assert lane.status_code == full.status_code == 200
    names = lambda answer: [(k, v) for k, v in answer.headers if k != "Set-Cookie"]  # noqa: E731
    assert names(lane) == names(full)
    cookie, full_cookie = lane.headers["Set-Cookie"], full.headers["Set-Cookie"]
    assert cookie.split("=", 1)[0] == "session" and cookie.split(";", 1)[1] == full_cookie.split(";", 1)[1]
    # the token is this session's own: the sign-in form accepts it, and another reader's token differs
    token = CSRF.search(page).group(1)
    assert token != CSRF.search(first.get_data(as_text=True)).group(1)
    answer = reader.post("/login", data={"username": "nobody", "password": "x", "csrf_token": token})
    assert answer.status_code != 400, answer.get_data(as_text=True)[:300]


@pytest.mark.parametrize("path", [GUIDE + "?version=1", GUIDE + "?lang=en", "/services/no-such-service"])
def test_guide_requests_the_cache_cannot_answer_are_flasks(app, demo, flask_calls, path):
    app.test_client().get(GUIDE)
    app.test_client().get(path)
    second = app.test_client().get(path)
    assert flask_calls == [GUIDE, path.split("?")[0], path.split("?")[0]]
    assert second.status_code in (200, 404)


def test_behind_a_proxy_the_lane_counts_the_forwarded_client(embedded_settings):
    """The lane sits beneath ProxyFix: each forwarded address has its own budget, one address runs out."""
    from server.app import create_app
    from server.services.demo import load_demo

    app = create_app(embedded_settings.with_overrides(proxy_hops=1), migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    try:
        with runtime.db.session() as session:
            load_demo(session, embedded_settings.demo_password)
        number = _case(app.test_client(), runtime, embedded_settings)
        client = app.test_client(use_cookies=False)
        path = f"/api/v1/track/{number}?phone_last4=4321"
        for n in range(40):
            assert client.get(path, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code == 200
        answers = [client.get(path, headers={"X-Forwarded-For": "203.0.113.77"}).status_code for _ in range(31)]
        assert answers == [200] * 30 + [429]
    finally:
        runtime.close()
