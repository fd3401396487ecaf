"""A full disk: reads and downloads go on, writes answer 507 saying so, /healthz says so, nothing is corrupted.

The data folder (SQLite, the local object store, spooled uploads) is a small
tmpfs mounted for the test and filled to the last byte; it needs root, which
CI has.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from case_support import Api, jpeg_bytes, pdf_bytes


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        for chunk in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    fh.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


@pytest.fixture
def full_disk_api(small_disk, embedded_settings):
    from server.app import create_app
    from server.services.demo import load_demo

    settings = replace(
        embedded_settings,
        data_dir=small_disk,
        database_url=f"sqlite:///{small_disk / 'onewindow.db'}",
        storage_url=f"file://{small_disk / 'objects'}",
        index_url=f"sqlite:///{small_disk / 'index.db'}",
    )
    app = create_app(settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, settings.demo_password)
    api = Api(app.test_client(), settings.demo_password)
    yield api, runtime, small_disk
    runtime.close()


def test_a_full_disk_refuses_writes_and_keeps_serving_reads(full_disk_api):
    api, runtime, disk = full_disk_api
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    plan = pdf_bytes("民宿平面布局图")
    stored = api.upload(app_id, "floor_plan", "applicant", plan, "平面图.pdf")
    api.headers("clerk")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', api.client.get("/login").get_data(as_text=True))[1]
    page_login = api.client.post("/login", data={"username": "applicant", "password": api.password, "csrf_token": csrf})
    assert page_login.status_code == 302

    filler = _fill(disk)

    health = api.client.get("/healthz")
    body = health.get_json()
    assert health.status_code == 503 and body["status"] == "degraded"
    assert not body["checks"]["storage"]["ok"] and not body["checks"]["disk"]["ok"]
    # reads: a signed-in API call, a page, a download
    detail = api.json("GET", f"/applications/{app_id}", "applicant")
    assert [m["file_id"] for m in detail["materials"]] == [stored["file_id"]]
    assert api.json("GET", "/applications", "clerk")["total"] == 1
    assert api.client.get(f"/my/cases/{app_id}").status_code == 200
    download = api.call("GET", f"/applications/{app_id}/files/{stored['file_id']}", "applicant", 200)
    assert download.data == plan
    # writes: a clear 507, nothing half-written
    refused = api.upload(app_id, "applicant_id", "applicant", jpeg_bytes(), "身份证.jpg", expect=507)["error"]
    assert refused["code"] == "storage_full" and "存储空间已满" in refused["message"]
    for response in (
        api.call("POST", "/applications", "applicant", json={"service_code": "minsu"}),
        api.call("PATCH", f"/applications/{app_id}", "applicant", json={"form": {"address": "青山村"}}),
    ):
        assert response.status_code in (200, 201, 507), response.get_data(as_text=True)
        if response.status_code == 507:
            assert response.get_json()["error"]["code"] == "storage_full"
    assert api.json("GET", f"/applications/{app_id}", "applicant")["materials"][0]["file_id"] == stored["file_id"]

    filler.unlink()
    api.upload(app_id, "applicant_id", "applicant", jpeg_bytes(), "身份证.jpg")
    assert api.client.get("/healthz").status_code == 200
    with sqlite3.connect(disk / "onewindow.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert [i.key for i in runtime.store.list(f"applications/{app_id}/")] == sorted(
        f"applications/{app_id}/materials/{m['file_id']}"
        for m in api.json("GET", f"/applications/{app_id}", "applicant")["materials"]
    )
    assert runtime.store.sweep_incomplete() == 0 and not any((disk / "objects" / ".onewindow" / "tmp").iterdir())
