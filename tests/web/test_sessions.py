"""Sessions and tokens end on the server: logout, revoking a token and deactivation take effect at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from server.models import ApiToken, User, UserSession, utcnow
from server.services.auth import deactivate


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_logout_kills_the_session_even_for_a_copied_cookie(web, app):
    browser = web.client("applicant")
    assert browser.get("/my/cases").status_code == 200
    stolen = _cookie(browser)
    web.post("applicant", "/logout", expect=302)
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/my/cases")
    assert response.status_code == 302 and "/login" in response.headers["Location"], "the old cookie is dead"


def test_a_new_login_starts_a_new_session(web, app, runtime):
    first = web.client("clerk")
    before = _cookie(first)
    second = app.test_client()
    token = web.csrf_from(second.get("/login"))
    second.post("/login", data={"username": "clerk", "password": web.password, "csrf_token": token})
    assert _cookie(second) != before
    with runtime.db.session() as session:
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        assert session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == clerk.id)) == 2
    assert first.get("/counter").status_code == 200, "one browser's login does not end another's"


def test_a_revoked_token_answers_401(app, demo, settings):
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "clerk", "password": settings.demo_password}).get_json()
    auth = {"Authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/applications", headers=auth).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    after = client.get("/api/v1/applications", headers=auth)
    assert after.status_code == 401 and after.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 401


def test_deactivation_ends_every_session_and_token_at_once(web, app, runtime, settings):
    browser = web.client("officer-wlj")
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"username": "officer-wlj", "password": settings.demo_password}
    ).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert browser.get("/dept").status_code == 200
    with runtime.db.session() as session:
        deactivate(session, session.scalar(select(User).where(User.username == "officer-wlj")))
    assert client.get("/api/v1/applications", headers=auth).status_code == 401
    assert browser.get("/dept").status_code == 302
    with runtime.db.session() as session:
        officer = session.scalar(select(User).where(User.username == "officer-wlj"))
        officer.active = True  # reactivated: the old sessions and tokens stay dead
    assert client.get("/api/v1/applications", headers=auth).status_code == 401
    assert browser.get("/dept").status_code == 302


def test_token_lifetime_comes_from_the_settings(embedded_settings):
    from server.app import create_app
    from server.services.demo import load_demo

    app = create_app(replace(embedded_settings, token_lifetime_hours=2), migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, embedded_settings.demo_password)
    issued = app.test_client().post(
        "/api/v1/auth/token", json={"username": "clerk", "password": embedded_settings.demo_password}
    )
    assert issued.status_code == 201
    with runtime.db.session() as session:
        row = session.scalar(select(ApiToken))
        assert timedelta(hours=1, minutes=59) < row.expires_at - utcnow() <= timedelta(hours=2)
    runtime.close()
