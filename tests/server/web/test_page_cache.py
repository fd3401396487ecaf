"""The rendered-guide cache: one render per locale for anonymous readers, never a stale or foreign page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from server.models import User
from server.services.admin import catalogue
from server.services.admin.specs import DepartmentSpec
from server.services.catalogue import get_service
from server.web import page_cache

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
GUIDE = "/services/minsu"


@pytest.fixture
def clock(app):
    """The cache's clock, moved by hand; installed before the first request makes a cache of its own."""
    now = [1000.0]
    app.extensions[page_cache.EXTENSION] = page_cache.PageCache(clock=lambda: now[0])
    return now


def _department_of_minsu(runtime) -> tuple[str, str]:
    with runtime.db.session() as session:
        service = get_service(session, "minsu")
        return service.department.code, service.department.name


def _rename_department(runtime, code: str, name: str) -> None:
    with runtime.db.session() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        catalogue.save_department(session, admin, DepartmentSpec(code, name), create=False)
        session.commit()


def test_a_catalogue_change_shows_at_once_and_the_page_is_not_rendered_again_without_one(app, runtime, demo, clock):
    code, name = _department_of_minsu(runtime)
    assert name in app.test_client().get(GUIDE).get_data(as_text=True)
    with runtime.db.session() as session:  # behind the ORM's back, as another worker process's change looks here
        session.execute(text("UPDATE departments SET name = 'X局' WHERE code = :code"), {"code": code})
        session.commit()
    assert name in app.test_client().get(GUIDE).get_data(as_text=True), "served from the cache"
    clock[0] += page_cache.TTL_SECONDS
    assert "X局" in app.test_client().get(GUIDE).get_data(as_text=True), "re-rendered once the copy is old"

    _rename_department(runtime, code, "新名称局")
    assert "新名称局" in app.test_client().get(GUIDE).get_data(as_text=True), "a commit here invalidates at once"


def test_locales_are_kept_apart(app, demo, clock):
    english = app.test_client().get(GUIDE + "?lang=en").get_data(as_text=True)
    chinese = app.test_client().get(GUIDE).get_data(as_text=True)
    again = app.test_client().get(GUIDE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english and '<html lang="en">' in again
    assert '<html lang="zh-CN">' in chinese and "Materials list" not in chinese and "Materials list" in english


def test_each_reader_gets_their_own_csrf_token(app, demo, clock):
    tokens = []
    for _ in range(2):
        reader = app.test_client()
        page = reader.get(GUIDE).get_data(as_text=True)
        assert page_cache.CSRF_MARK not in page
        tokens.append(CSRF.search(page).group(1))
        # the token is the session's own: the sign-in form accepts it
        answer = reader.post("/login", data={"username": "nobody", "password": "x", "csrf_token": tokens[-1]})
        assert answer.status_code != 400, answer.get_data(as_text=True)[:300]
    assert tokens[0] != tokens[1]


def test_a_signed_in_clerk_gets_their_own_page(app, demo, settings, clock):
    assert "在线申请" in app.test_client().get(GUIDE).get_data(as_text=True)
    clerk = app.test_client()
    token = CSRF.search(clerk.get("/login").get_data(as_text=True)).group(1)
    signed_in = clerk.post(
        "/login", data={"username": "clerk", "password": settings.demo_password, "csrf_token": token}
    )
    assert signed_in.status_code in (302, 303)
    page = clerk.get(GUIDE).get_data(as_text=True)
    assert "现场代办" in page and "在线申请" not in page
