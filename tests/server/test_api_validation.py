"""Hostile and clumsy input to the API: each gets a 4xx JSON error in our format naming the field, never a 5xx.

Authentication comes first: the same bad input from an anonymous caller is a 401.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cases"))

from case_support import MINSU_APPLICANT, Api, pdf_bytes

from server.app import create_app
from server.config import load_settings
from server.services.demo import load_demo
from server.web import paging

CHINESE_THEN_ENGLISH = re.compile(r"[\u4e00-\u9fff].*\(.*[a-z].*\)")
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


PASSWORD = "pw"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app for the module: bad input changes nothing, and the tests that change something make their own case."""
    settings = load_settings(
        {"ONEWINDOW_DATA_DIR": str(tmp_path_factory.mktemp("validation") / "var"), "ONEWINDOW_DEMO_PASSWORD": PASSWORD}
    )
    application = create_app(settings, migrate=True, start_jobs=False)
    application.config.update(TESTING=True)
    runtime = application.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, PASSWORD)
    yield application
    runtime.close()


@pytest.fixture(scope="module")
def api(app) -> Api:
    return Api(app.test_client(), PASSWORD)


@pytest.fixture(scope="module")
def draft(api) -> str:
    return api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]


def _invalid(response, field: str) -> dict:
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:300])
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input"
    assert CHINESE_THEN_ENGLISH.search(error["message"]), error["message"]
    assert field in error["details"]["fields"], error["details"]
    assert CHINESE_THEN_ENGLISH.search(error["details"]["fields"][field]), error["details"]["fields"][field]
    return error


# (method, path under /api/v1 with {app} for a draft, JSON body, the field blamed)
BAD_BODIES = [
    ("POST", "/applications", {"service_code": "minsu", "applicant": "str"}, "applicant"),
    ("POST", "/applications", {"service_code": "minsu", "applicant": {"name": 1}}, "applicant.name"),
    ("POST", "/applications", {"service_code": "minsu", "applicant": {"phone": ["138"]}}, "applicant.phone"),
    ("POST", "/applications", {"service_code": 5}, "service_code"),
    ("POST", "/applications", {"service_code": "x" * 65}, "service_code"),
    ("POST", "/applications", {"service_code": "minsu", "form": []}, "form"),
    ("POST", "/applications", {"form": {}}, "service_code"),
    ("PATCH", "/applications/{app}", {"form": "business_name=x"}, "form"),
    ("PATCH", "/applications/{app}", {}, "body"),  # neither form nor township: the body as a whole
    ("POST", "/applications/{app}/submit", {"defer": 1.5}, "defer"),
    ("POST", "/applications/{app}/submit", {"defer": [{}]}, "defer.0"),
    ("POST", "/applications/{app}/submit", {"defer": "health_certs"}, "defer"),
    ("POST", "/applications/{app}/submit", {"defer": ["health_certs"] * 101}, "defer"),
    ("POST", "/applications/{app}/submit", {"undertaking": 1}, "undertaking"),
    ("POST", "/applications/{app}/submit", {"undertaking": "x" * 2001}, "undertaking"),
    ("POST", "/applications/{app}/withdraw", {"reason": ["x"]}, "reason"),
    ("POST", "/applications/{app}/review", {"decision": "maybe"}, "decision"),
    ("POST", "/applications/{app}/review", {"note": "no decision"}, "decision"),
    ("POST", "/applications/{app}/review", {"decision": "accept", "verdicts": {"slot": "x"}}, "verdicts"),
    (
        "POST",
        "/applications/{app}/review",
        {"decision": "correct", "verdicts": [{"slot": "floor_plan", "ok": "no"}]},
        "verdicts.0.ok",
    ),
    ("POST", "/applications/{app}/review", {"decision": "correct", "verdicts": [{"ok": False}]}, "verdicts.0.slot"),
    ("POST", "/applications/{app}/review", {"decision": "correct", "verdicts": ["floor_plan"]}, "verdicts.0"),
    (
        "POST",
        "/applications/{app}/review",
        {"decision": "accept_with_gap", "gap_deadline": "9999-12-31"},
        "gap_deadline",
    ),
    ("POST", "/applications/{app}/review", {"decision": "accept_with_gap", "gap_deadline": 20261127}, "gap_deadline"),
    ("POST", "/applications/{app}/route", {"departments": "wlj"}, "departments"),
    ("POST", "/applications/{app}/route", {"departments": []}, "departments"),
    ("POST", "/applications/{app}/route", {"departments": [1]}, "departments.0"),
    ("POST", "/applications/{app}/decision", {"outcome": True}, "outcome"),
    ("POST", "/applications/{app}/decision", {"outcome": "yes"}, "outcome"),
    ("POST", "/applications/{app}/complete", {"note": {}}, "note"),
    ("POST", "/applications/{app}/rating", {"score": "5"}, "score"),
    ("POST", "/applications/{app}/rating", {"score": True}, "score"),
    ("POST", "/applications/{app}/rating", {"score": 4.5}, "score"),
    ("POST", "/applications/{app}/rating", {"score": 6}, "score"),
    ("POST", "/applications/{app}/rating", {"score": 0}, "score"),
    ("POST", "/applications/{app}/rating", {}, "score"),
    ("POST", "/applications/{app}/rating", {"score": 5, "comment": 5}, "comment"),
    ("POST", "/applications/{app}/rating/follow-up", {"note": 5}, "note"),
    ("POST", "/applications/{app}/uploads", {"slot": "floor_plan", "size": True}, "size"),
    ("POST", "/applications/{app}/uploads", {"slot": "floor_plan", "size": -1}, "size"),
    ("POST", "/applications/{app}/uploads", {"slot": "floor_plan", "size": "10"}, "size"),
    ("POST", "/applications/{app}/uploads", {"slot": "floor_plan"}, "size"),
    ("POST", "/applications/{app}/uploads", {"slot": None, "size": 10}, "slot"),
    ("POST", "/applications/{app}/uploads", {"slot": "floor_plan", "size": 10, "filename": "a\u0000.pdf"}, "filename"),
    ("POST", "/applications/{app}/materials/floor_plan/reuse", {"file_id": 7}, "file_id"),
    ("POST", "/applications/{app}/materials/floor_plan/reuse", {}, "file_id"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD_BODIES, ids=lambda v: str(v)[:40])
def test_bad_json_bodies_are_400_naming_the_field(api, draft, method, path, body, field):
    _invalid(api.call(method, path.format(app=draft), "clerk", json=body), field)


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD_BODIES, ids=lambda v: str(v)[:40])
def test_an_anonymous_caller_with_a_bad_body_gets_401(api, draft, method, path, body, field):
    response = api.call(method, path.format(app=draft), None, json=body)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"str"', "null", "5", '{"defer": [1,'])
def test_a_body_that_is_not_a_json_object_is_400(api, draft, raw):
    response = api.call("POST", f"/applications/{draft}/submit", "applicant", data=raw, content_type="application/json")
    _invalid(response, "body")


def test_a_lone_surrogate_is_invalid_json(api, draft):
    response = api.call(
        "POST",
        f"/applications/{draft}/submit",
        "applicant",
        data='{"undertaking": "\\ud800"}',
        content_type="application/json",
    )
    _invalid(response, "body")


def test_a_huge_json_body_is_413_before_it_is_parsed(api, draft):
    response = api.call(
        "POST",
        f"/applications/{draft}/submit",
        "applicant",
        data='{"undertaking": "' + "x" * (1024 * 1024) + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_token_errors_keep_their_shape(api):
    missing = api.call("POST", "/auth/token", None, data="not json", content_type="text/plain")
    assert _invalid(missing, "username")["details"]["required"] == ["username", "password"]
    _invalid(api.call("POST", "/auth/token", None, json={"username": ["clerk"], "password": "x"}), "username")
    _invalid(api.call("POST", "/auth/token", None, json={"username": "clerk\u0000", "password": "x"}), "username")
    _invalid(api.call("POST", "/auth/token", None, json={"username": "", "password": "x"}), "username")


# (path under /api/v1, user, the parameter blamed)
BAD_QUERIES = [
    ("/applications?page=9223372036854775807", "clerk", "page"),
    ("/applications?page=99999999999999999999999999999", "clerk", "page"),
    ("/applications?page=0", "clerk", "page"),
    ("/applications?page=10001", "clerk", "page"),
    ("/applications?page=abc", "clerk", "page"),
    ("/applications?page=1.5", "clerk", "page"),
    ("/applications?per_page=-1", "clerk", "per_page"),
    ("/applications?per_page=0", "clerk", "per_page"),
    ("/applications?per_page=101", "clerk", "per_page"),
    ("/applications?overdue=maybe", "clerk", "overdue"),
    ("/applications?service=%00", "clerk", "service"),
    ("/applications?status=" + "x" * 301, "clerk", "status"),
    ("/me/access-ledger?page=9223372036854775807", "applicant", "page"),
    ("/me/access-ledger?per_page=-5", "applicant", "per_page"),
    ("/archives?from=0001-01-01", "archivist", "from"),
    ("/archives?to=9999-12-31", "archivist", "to"),
    ("/archives?from=1899-12-31", "archivist", "from"),
    ("/archives?to=2200-01-01", "officer-wlj", "to"),
    ("/archives?from=yesterday", "archivist", "from"),
    ("/archives?to=2026-02-30", "archivist", "to"),
    ("/archives?page=9223372036854775807", "archivist", "page"),
    ("/archives?q=" + "档" * 501, "archivist", "q"),
    ("/archives?department=%00", "archivist", "department"),
    ("/track/T1?phone_last4=12345", None, "phone_last4"),
    ("/track/T1?phone_last4=abcd", None, "phone_last4"),
]


@pytest.mark.parametrize(("path", "user", "field"), BAD_QUERIES, ids=lambda v: str(v)[:40])
def test_bad_query_parameters_are_400_naming_the_parameter(api, path, user, field):
    error = _invalid(api.call("GET", path, user), field)
    assert error["details"]["parameter"] == field


def test_paging_says_the_same_everywhere(api):
    error = _invalid(api.call("GET", "/applications?page=9223372036854775807", "clerk"), "page")
    assert error["details"]["fields"]["page"] == paging.MESSAGE


def test_archive_dates_say_the_allowed_range(api):
    error = _invalid(api.call("GET", "/archives?from=0001-01-01", "archivist"), "from")
    assert "1900-01-01" in error["details"]["fields"]["from"] and "2199-12-31" in error["details"]["fields"]["from"]
    edges = api.call("GET", "/archives?from=1900-01-01&to=2199-12-31", "archivist")
    assert edges.status_code == 200 and edges.get_json()["total"] == 0


def test_bad_headers_are_400(api, draft):
    upload = api.json(
        "POST",
        f"/applications/{draft}/uploads",
        "applicant",
        201,
        json={"slot": "floor_plan", "filename": "平面图.pdf", "size": 10},
    )["upload_id"]
    for offset in ("-1", "abc", ""):
        response = api.call("PATCH", f"/uploads/{upload}", "applicant", data=b"x", headers={"Upload-Offset": offset})
        assert _invalid(response, "Upload-Offset")["details"]["parameter"] == "Upload-Offset"
    missing = api.call("PATCH", f"/uploads/{upload}", "applicant", data=b"x")
    _invalid(missing, "Upload-Offset")
    assert api.call("PATCH", f"/uploads/{upload}", None, data=b"x", headers={"Upload-Offset": "x"}).status_code == 401


def test_a_long_raw_file_name_is_kept_short_and_an_absurd_one_refused(api, draft):
    path = f"/applications/{draft}/materials/floor_plan"
    long = api.json(
        "PUT",
        path,
        "applicant",
        201,
        data=pdf_bytes("平面图"),
        headers={"Content-Type": "application/pdf", "X-Filename": quote("民宿平面布局图" * 40 + ".pdf")},
    )
    assert long["name"].startswith("民宿平面布局图") and long["name"].endswith(".pdf")
    absurd = api.call(
        "PUT",
        path,
        "applicant",
        data=pdf_bytes("平面图"),
        headers={"Content-Type": "application/pdf", "X-Filename": "a" * 8001},
    )
    _invalid(absurd, "X-Filename")
    assert api.call("PUT", path, None, data=b"%PDF", headers={"X-Filename": "a" * 8001}).status_code == 401


def test_nul_in_a_path_is_404(api):
    for path in ("/applications/%00", "/archives/%00", "/uploads/a%00b", "/services/%00"):
        response = api.call("GET", path, "clerk")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_good_input_still_works(api, draft):
    walk_in = api.json(
        "POST",
        "/applications",
        "clerk",
        201,
        json={
            "service_code": "minsu",
            "applicant": MINSU_APPLICANT,
            "form": {"business_name": "青山村民宿"},
            "not_a_field": "ignored",
        },
    )
    case = api.json("GET", f"/applications/{walk_in['id']}", "clerk")
    assert (
        case["applicant"]["id_number"] == MINSU_APPLICANT["id_number"] and case["form"]["business_name"] == "青山村民宿"
    )
    saved = api.json("PATCH", f"/applications/{draft}", "applicant", json={"form": {"rooms": 8}})
    assert saved["form"]["rooms"] == 8
    missing = api.json("POST", f"/applications/{draft}/submit", "applicant", 409)
    assert missing["error"]["details"]["missing"]
    key = api.json("POST", f"/applications/{draft}/submit", "applicant", 400, json={"defer": ["floor_plan"]})
    assert key["error"]["details"] == {"slots": ["floor_plan"]}
    assert api.json("GET", "/applications?page=1&per_page=100&overdue=", "clerk")["per_page"] == 100
    assert api.call("GET", "/archives?from=2026-01-01&to=2026-12-31&page=2", "archivist").status_code == 200


@pytest.fixture(scope="module")
def sign_in(app):
    def _sign_in(username: str):
        client = app.test_client()
        token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
        response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        return client

    return _sign_in


@pytest.mark.parametrize(
    "query", ["from=0001-01-01", "to=9999-12-31", "page=9223372036854775807", "page=0", "page=abc", "per_page=-1"]
)
def test_the_archive_pages_bound_the_same(sign_in, query):
    page = sign_in("archivist").get(f"/archive?{query}")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "1900-01-01" in text if "from" in query or "to" in query else paging.MESSAGE.split(" (")[0] in text


def test_the_applicant_pages_page_the_same(sign_in):
    page = sign_in("applicant").get("/my/cases?page=9223372036854775807")
    assert page.status_code == 400 and paging.MESSAGE.split(" (")[0] in page.get_data(as_text=True)


def test_a_method_a_path_does_not_have_is_405_with_allow(api, draft):
    response = api.call("DELETE", f"/applications/{draft}/submit", "clerk")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]
