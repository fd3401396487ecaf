"""Throttling of password and tracking-number guessing, on in-memory counters and on a real Redis.

The clock is moved (``time.time``, which the limits library reads) instead of
waiting for a window to pass.
"""

from __future__ import annotations

import re
import secrets
import socket
import time
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

from server.models import Application

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PHONE = "13857104321"


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["memory", "redis"])
def ratelimit_url(request: pytest.FixtureRequest):
    if request.param == "memory":
        yield "memory://"
        return
    import redis

    base = urlsplit(request.getfixturevalue("redis_url"))
    prefix = f"owtest-{secrets.token_hex(4)}"
    yield urlunsplit((base.scheme, base.netloc, base.path, urlencode({"prefix": prefix}), ""))
    server = redis.Redis.from_url(urlunsplit((base.scheme, base.netloc, base.path, "", "")))
    keys = list(server.scan_iter(match=f"*{prefix}*"))
    if keys:
        server.delete(*keys)
    server.close()


@pytest.fixture
def settings(embedded_settings, ratelimit_url):
    return embedded_settings.with_overrides(ratelimit_url=ratelimit_url)


@pytest.fixture
def clock(monkeypatch):
    """Moves time.time() forward by the seconds passed."""
    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def token(client, username: str, password: str, address: str = "192.0.2.1"):
    return client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def page_login(client, username: str, password: str, address: str = "192.0.2.1"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    csrf = CSRF.search(page.get_data(as_text=True)).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        environ_base={"REMOTE_ADDR": address},
    )


def assert_throttled(response, json_body: bool = True) -> int:
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    seconds = int(response.headers["Retry-After"])
    assert seconds >= 1
    if json_body:
        error = response.get_json()["error"]
        assert error["code"] == "too_many_requests"
        assert error["details"] == {"retry_after": seconds}
        assert f"请 {seconds} 秒后再试" in error["message"] and "too many attempts" in error["message"]
    else:
        assert response.mimetype == "text/html"
        assert f"尝试次数过多，请 {seconds} 秒后再试" in response.get_data(as_text=True)
    return seconds


# --- password guessing ------------------------------------------------------


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(client, demo, settings, clock):
    # Case and spaces do not make a new username to guess at.
    for attempt, name in enumerate(["clerk", "Clerk", " CLERK ", "clerk", "clerK"]):
        assert token(client, name, f"wrong-{attempt}").status_code == 401
    locked = token(client, "clerk", settings.demo_password)
    wait = assert_throttled(locked)
    assert wait <= 15 * 60
    # Another address is refused too: the budget belongs to the username.
    assert_throttled(token(client, "clerk", settings.demo_password, address="198.51.100.7"))

    clock(wait / 2)
    assert_throttled(token(client, "clerk", settings.demo_password))
    clock(wait / 2 + 1)
    assert token(client, "clerk", settings.demo_password).status_code == 201


def test_page_login_is_locked_likewise_and_shares_the_budget_with_the_api(client, demo, settings):
    for attempt in range(3):
        assert page_login(client, "applicant", f"wrong-{attempt}").status_code == 401
    for attempt in range(2):
        assert token(client, "applicant", f"wrong-{attempt}").status_code == 401
    assert_throttled(page_login(client, "applicant", settings.demo_password), json_body=False)
    assert_throttled(token(client, "applicant", settings.demo_password))
    assert client.get("/login").status_code == 200  # the form itself is never throttled


def test_successful_sign_ins_never_use_the_failure_budget(client, demo, settings):
    for attempt in range(4):
        assert token(client, "supervisor", f"wrong-{attempt}").status_code == 401
    for _ in range(25):
        assert token(client, "supervisor", settings.demo_password).status_code == 201
    for _ in range(5):
        assert page_login(client, "supervisor", settings.demo_password).status_code == 302
    assert token(client, "supervisor", "wrong-again").status_code == 401
    assert_throttled(token(client, "supervisor", settings.demo_password))


def test_other_usernames_work_until_the_client_has_failed_too_often(client, demo, settings):
    for attempt in range(5):
        assert token(client, "applicant", f"wrong-{attempt}").status_code == 401
    assert_throttled(token(client, "applicant", settings.demo_password))
    assert token(client, "clerk", settings.demo_password).status_code == 201

    # 25 more failures from this address, five per made-up name, reach its 30 per 15 minutes.
    for n in range(5):
        for attempt in range(5):
            assert token(client, f"nobody-{n}", f"wrong-{attempt}").status_code == 401
    assert_throttled(token(client, "clerk", settings.demo_password))
    assert page_login(client, "clerk", settings.demo_password).status_code == 429
    assert token(client, "clerk", settings.demo_password, address="198.51.100.7").status_code == 201


# --- tracking ---------------------------------------------------------------


@pytest.fixture
def tracking(client, demo, runtime, settings) -> str:
    """A submitted case's tracking number; its applicant's phone ends in 4321."""
    login = token(client, "applicant", settings.demo_password)
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
    number = f"TR{secrets.token_hex(5).upper()}"
    with runtime.db.session() as session:
        app = session.get(Application, created.get_json()["id"])
        app.tracking_number, app.status = number, "submitted"
        session.commit()
    return number


def track_api(client, number: str, last4: str, address: str):
    return client.get(f"/api/v1/track/{number}?phone_last4={last4}", environ_base={"REMOTE_ADDR": address})


def track_page(client, number: str, last4: str, address: str):
    return client.get(f"/track?number={number}&phone_last4={last4}", environ_base={"REMOTE_ADDR": address})


def test_guessing_a_numbers_phone_digits_locks_that_number_for_every_client(client, tracking):
    assert track_api(client, tracking, "4321", "192.0.2.1").status_code == 200
    # A botnet: every guess from another address, through the API and the page alike.
    for guess in range(10):
        lookup = track_api if guess % 2 else track_page
        assert lookup(client, tracking, f"{guess:04d}", f"203.0.113.{guess + 1}").status_code == 404
    assert_throttled(track_api(client, tracking, "4321", "192.0.2.99"))
    assert_throttled(track_page(client, tracking.lower(), "4321", "192.0.2.99"), json_body=False)
    # Other numbers are unaffected.
    assert track_api(client, "TR0000000000", "0000", "192.0.2.99").status_code == 404


def test_one_client_gets_thirty_lookups_a_minute(client, tracking, clock):
    for _ in range(40):
        assert client.get("/track", environ_base={"REMOTE_ADDR": "192.0.2.5"}).status_code == 200  # the empty form
    for n in range(30):
        lookup = track_api if n % 2 else track_page
        assert lookup(client, tracking, "4321", "192.0.2.5").status_code == 200
    wait = assert_throttled(track_api(client, tracking, "4321", "192.0.2.5"))
    assert wait <= 60
    assert track_api(client, tracking, "4321", "192.0.2.6").status_code == 200
    clock(wait + 1)
    assert track_api(client, tracking, "4321", "192.0.2.5").status_code == 200


# --- the store --------------------------------------------------------------


@pytest.mark.parametrize("ratelimit_url", [f"redis://127.0.0.1:{_dead_port()}/0"], ids=["redis-down"])
def test_without_redis_sign_in_and_tracking_go_on_and_count_in_memory(client, demo, settings, caplog):
    assert token(client, "clerk", settings.demo_password).status_code == 201
    assert page_login(client, "clerk", settings.demo_password).status_code == 302
    assert track_api(client, "TR0000000000", "0000", "192.0.2.1").status_code == 404
    assert "falling back to in-memory storage" in caplog.text
    for attempt in range(5):
        assert token(client, "archivist", f"wrong-{attempt}").status_code == 401
    assert_throttled(token(client, "archivist", settings.demo_password))


def test_memory_counters_belong_to_one_app_and_redis_counters_are_shared(settings, demo, app, client):
    from server.app import create_app

    for attempt in range(5):
        assert token(client, "clerk", f"wrong-{attempt}").status_code == 401
    assert token(client, "clerk", settings.demo_password).status_code == 429
    # Another process (or a test's fresh app) on the same store.
    other = create_app(settings, start_jobs=False)
    try:
        answer = token(other.test_client(), "clerk", settings.demo_password).status_code
    finally:
        other.extensions["onewindow"].close()
    assert answer == (201 if settings.ratelimit_url == "memory://" else 429)


# --- rules for endpoints to come ----------------------------------------------


def test_registration_rule_counts_every_attempt_per_client(app):
    from server.web import throttle

    app.config["WTF_CSRF_ENABLED"] = False  # the real endpoint will sit in the CSRF-exempt API blueprint
    app.add_url_rule("/api/v1/test-register", "test_register", lambda: ({"ok": True}, 201), methods=["POST"])
    limiter = app.extensions[throttle.EXTENSION]
    throttle.throttle(app, limiter, "test_register", throttle.REGISTRATION_LIMITS)
    client = app.test_client()
    for _ in range(20):
        assert client.post("/api/v1/test-register", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 201
    assert_throttled(client.post("/api/v1/test-register", environ_base={"REMOTE_ADDR": "192.0.2.8"}))
    with pytest.raises(LookupError):
        throttle.throttle(app, limiter, "api.register-not-yet", throttle.REGISTRATION_LIMITS)


def test_counting_lookups_starts_no_thread_per_request(client, tracking, settings, monkeypatch):
    import threading

    started: list[threading.Thread] = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: (started.append(thread), real_start(thread))[1])
    for n in range(20):
        assert track_api(client, tracking, "4321", f"192.0.2.{n + 10}").status_code == 200
        assert track_api(client, f"TR{n:010d}", "0000", f"198.51.100.{n + 10}").status_code == 404
    assert started == [], f"{len(started)} threads for 40 tracked requests ({settings.ratelimit_url})"


def test_the_memory_counters_drop_expired_entries_at_a_later_hit(monkeypatch, clock):
    from server.web import throttle

    storage = throttle.SweptMemoryStorage()
    assert storage.acquire_entry("old", 5, 1) and storage.get_moving_window("old", 5, 1)[1] == 1
    clock(5)
    monkeypatch.setattr(throttle, "SWEEP_SECONDS", 0.0)
    assert storage.acquire_entry("new", 5, 60)
    assert not storage.events.get("old") and storage.events["new"]
