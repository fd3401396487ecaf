"""Security headers on every response: pages, API JSON, errors, downloads; caching; HSTS; the session cookie."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cases"))
sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from case_support import Api, pdf_bytes
from web_support import Web

EVERY_RESPONSE = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def assert_secured(response, cache: str | None = "no-store") -> None:
    for name, value in EVERY_RESPONSE.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    if cache is not None:
        assert response.headers.get("Cache-Control") == cache
    assert "Strict-Transport-Security" not in response.headers


@pytest.fixture
def api(client, demo, settings) -> Api:
    return Api(client, settings.demo_password)


@pytest.fixture
def uploaded(api):
    """A draft of demo user applicant with one PDF material: (application id, file id)."""
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    uploaded = api.upload(app_id, "business_licence", "applicant", pdf_bytes("营业执照"), "营业执照.pdf", raw=True)
    return app_id, uploaded["file_id"]


@pytest.fixture
def make_app(settings):
    """Another app over the same data folder with some settings changed."""
    from server.app import create_app

    made = []

    def make(**changes):
        app = create_app(settings.with_overrides(**changes), migrate=True, start_jobs=False)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["onewindow"].close()


def test_a_page_carries_every_header_and_is_not_stored(client, demo):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert_secured(response)


def test_api_json_responses_are_not_stored(api, uploaded):
    app_id, _ = uploaded
    response = api.call("GET", f"/applications/{app_id}", "applicant", 200)
    assert response.mimetype == "application/json"
    assert_secured(response)


def test_error_responses_carry_the_headers(client, demo):
    unauthorized = client.get("/api/v1/applications")
    assert unauthorized.status_code == 401 and unauthorized.get_json()["error"]["code"] == "unauthorized"
    assert_secured(unauthorized)
    for path in ("/no-such-page", "/api/v1/no-such-thing", "/api/v1/services/no-such-service"):
        missing = client.get(path)
        assert missing.status_code == 404, path
        assert_secured(missing)


def test_downloads_keep_their_disposition_and_nosniff(api, uploaded):
    app_id, file_id = uploaded
    response = api.call("GET", f"/applications/{app_id}/files/{file_id}", "applicant", 200)
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("inline; filename*=UTF-8''")
    assert_secured(response)


def test_page_previews_of_materials_are_not_stored(app, settings, uploaded):
    app_id, file_id = uploaded
    preview = f"/cases/{app_id}/materials/{file_id}/pages/1-320.webp"
    response = Web(app, settings.demo_password).get("applicant", preview)
    assert response.mimetype in ("image/webp", "image/svg+xml")
    assert_secured(response)


def test_the_public_service_guide_may_be_cached(client, demo):
    for path in ("/api/v1/services", "/api/v1/services/minsu", "/api/v1/departments", "/api/v1/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_secured(response, cache="public, max-age=300")


def test_static_files_keep_flask_revalidation(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert_secured(response, cache=None)
    assert response.headers["Cache-Control"] != "no-store"


def test_hsts_only_over_https(client, demo):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == HSTS
    # a forwarded scheme counts only when a proxy is configured
    forwarded = {"X-Forwarded-Proto": "https"}
    assert "Strict-Transport-Security" not in client.get("/", headers=forwarded).headers


def test_behind_a_proxy_the_forwarded_scheme_counts(make_app, demo):
    client = make_app(proxy_hops=1).test_client()
    response = client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"] == HSTS


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_session_cookie_is_secure_unless_plain_http(client, make_app, demo, app, settings):
    cookie = _session_cookie(client.get("/login"))
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    # the test client still sends it over http://localhost: a signed-in page opens
    assert "退出" in Web(app, settings.demo_password).page("applicant", "/my/cases")

    plain = _session_cookie(make_app(plain_http=True).test_client().get("/login"))
    assert "Secure" not in plain and "; HttpOnly" in plain


def test_405_keeps_allow(client, demo):
    api = client.delete("/api/v1/services")
    assert api.status_code == 405
    assert api.get_json()["error"]["code"] == "method_not_allowed"
    assert set(api.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    page = client.put("/login")
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert set(page.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert_secured(page)
