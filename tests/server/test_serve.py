"""`onewindow serve` on gunicorn: what the headers already refuse is answered before the body is sent.

A raw socket sends only the request head announcing a huge body, and never the
body: the answer (401, or 413 naming ONEWINDOW_MAX_UPLOAD_BYTES) must still
come. The socket timeout only guards against a hang. The same rules are also
checked in-process with a body stream that fails the test if anything reads it.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cases"))

from case_support import pdf_bytes
from live_server import HANG_GUARD, start_serve, stop

LIMIT = 10 * 1024 * 1024
PASSWORD = "serve-test"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_serve(
        tmp_path_factory.mktemp("serve"),
        "--demo",
        ONEWINDOW_MAX_UPLOAD_BYTES=str(LIMIT),
        ONEWINDOW_JOBS_IN_PROCESS="false",
        ONEWINDOW_DEMO_PASSWORD=PASSWORD,
    )
    yield running
    stop(running)


@pytest.fixture(scope="module")
def token(server) -> str:
    status, body = server.call("POST", "/api/v1/auth/token", {"username": "applicant", "password": PASSWORD})
    assert status == 201, body
    return body["token"]


@pytest.fixture(scope="module")
def draft(server, token) -> str:
    status, body = server.call("POST", "/api/v1/applications", {"service_code": "minsu"}, token)
    assert status == 201, body
    return body["id"]


def test_unauthenticated_upload_is_refused_before_its_body(server):
    status, headers, body = server.head_only(
        "PUT /api/v1/applications/x/materials/y HTTP/1.1\nHost: 127.0.0.1\n"
        "Content-Type: application/pdf\nContent-Length: 1073741824\n\n"
    )
    assert status == 401 and headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["code"] == "unauthorized"


def test_too_large_upload_is_refused_before_its_body_naming_the_limit(server, token, draft):
    status, headers, body = server.head_only(
        f"PUT /api/v1/applications/{draft}/materials/business_licence HTTP/1.1\nHost: 127.0.0.1\n"
        f"Authorization: Bearer {token}\nContent-Type: application/pdf\nX-Filename: a.pdf\n"
        f"Content-Length: {LIMIT + 1}\n\n"
    )
    assert status == 413 and headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == "too_large" and error["details"] == {"max_bytes": LIMIT}
    assert str(LIMIT) in error["message"] and "10 MB" in error["message"]


def test_too_large_page_post_is_refused_before_its_body(server):
    status, headers, body = server.head_only(
        "POST /login HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/x-www-form-urlencoded\n"
        "Content-Length: 5368709120\n\n"
    )
    assert status == 413 and headers["content-type"].startswith("text/html")
    assert str(LIMIT) in body.decode()


def test_an_upload_streams_through_gunicorn(server, token, draft):
    data = pdf_bytes("营业执照 名称：青山村民宿有限公司")
    status, body = server.call(
        "PUT",
        f"/api/v1/applications/{draft}/materials/business_licence",
        data,
        token,
        {"Content-Type": "application/pdf", "X-Filename": quote("营业执照.pdf")},
    )
    assert status == 201, body
    assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["size"] == len(data)
    url = f"http://127.0.0.1:{server.port}/api/v1/applications/{draft}/files/{body['file_id']}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=HANG_GUARD) as response:
        assert response.read() == data


def test_sigterm_stops_the_server(tmp_path):
    """Its own server (two workers, jobs in-process), so stopping it leaves the other tests' alone."""
    running = start_serve(tmp_path, "--workers", "2")
    assert stop(running) == 0, running.log.read_text()
    assert not _listening(running.port)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test when anything reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise AssertionError("the request body was read")


@pytest.mark.parametrize(
    "method, path, content_type, over_limit, status",
    [
        ("PUT", "/api/v1/applications/x/materials/y", "application/pdf", True, 401),  # who comes before how much
        ("PUT", "/api/v1/applications/x/materials/y", "multipart/form-data; boundary=b", False, 401),
        ("POST", "/cases/x/results", "multipart/form-data; boundary=b", False, 401),  # before CSRF parses the form
        ("POST", "/login", "application/x-www-form-urlencoded", True, 413),
        ("POST", "/no-such-page", "application/octet-stream", True, 413),
    ],
)
def test_refusals_read_no_body(client, demo, method, path, content_type, over_limit, status):
    length = client.application.config["MAX_CONTENT_LENGTH"] + 1 if over_limit else 1000
    response = client.open(
        path,
        method=method,
        content_type=content_type,
        environ_overrides={"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": str(length)},
    )
    assert response.status_code == status, response.get_data(as_text=True)[:300]


def test_a_worker_hands_the_gil_back_within_half_a_millisecond(settings):
    """A request thread back from a query or a socket waits at most this long for the GIL behind a busy
    upload thread (Python's 5 ms default, paid at every query, left status lookups seconds behind)."""
    from server.cli.gunicorn_app import SWITCH_SECONDS, gunicorn_options

    before = sys.getswitchinterval()
    try:
        gunicorn_options(settings, "127.0.0.1", 0, 1, 8)["post_worker_init"](None)
        assert sys.getswitchinterval() == pytest.approx(SWITCH_SECONDS) and SWITCH_SECONDS <= 0.0005
    finally:
        sys.setswitchinterval(before)
