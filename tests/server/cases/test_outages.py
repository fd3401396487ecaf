"""A dependency that stops degrades one feature, not the service, and nothing is lost.

The shared real servers (scripts/services) are stopped for real in the middle
of the work and started again; the `real_servers` fixture restarts whatever a
test stopped even when it fails.
"""

from __future__ import annotations

import pytest
from case_support import pdf_bytes, routed_case
from sqlalchemy import func, select, update

from server.jobs import Worker
from server.models import Job, utcnow


@pytest.fixture
def settings(real_stack_settings):
    """PostgreSQL, S3, Elasticsearch and ClamAV, each fresh."""
    return real_stack_settings


def _run_jobs_now(runtime) -> None:
    """Runs every job, as if each retry's backoff had passed (the job clock moved, not slept)."""
    with runtime.db.session() as session:
        session.execute(update(Job).where(Job.status == "pending").values(run_after=utcnow()))
    Worker(runtime.db, runtime).run_until_idle()


def _complete(api, minsu_files) -> str:
    app_id = routed_case(api, minsu_files, ["wlj"])
    api.json(
        "PUT",
        f"/applications/{app_id}/results/licence",
        "officer-wlj",
        201,
        data=pdf_bytes("民宿登记证 青山村"),
        headers={"Content-Type": "application/pdf"},
    )
    api.json("POST", f"/applications/{app_id}/decision", "officer-wlj", json={"outcome": "approved"})
    return api.json("POST", f"/applications/{app_id}/complete", "officer-wlj")["dossier_id"]


def test_elasticsearch_down_during_intake_then_the_index_catches_up(api, runtime, minsu_files, real_servers):
    real_servers.stop("es")
    health = api.client.get("/healthz")
    assert health.status_code == 200, "applications are still taken"
    assert health.get_json()["status"] == "degraded" and not health.get_json()["checks"]["index"]["ok"]
    dossier_id = _complete(api, minsu_files)
    Worker(runtime.db, runtime).run_until_idle()
    with runtime.db.session() as session:
        waiting = session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == "index.dossier", Job.status == "pending")
        )
        assert waiting, "indexing waits for the index, it is not dropped"
    search = api.json("GET", "/archives?q=青山村", "officer-wlj", 503)
    assert "全文检索暂不可用" in search["error"]["message"]

    real_servers.start("es")
    _run_jobs_now(runtime)
    hits = api.json("GET", "/archives?q=青山村", "officer-wlj")["hits"]
    assert [h["dossier_id"] for h in hits] == [dossier_id]
    assert api.client.get("/healthz").get_json()["checks"]["index"]["ok"]


def test_s3_down_refuses_uploads_clearly_and_recovers(api, runtime, minsu_files, real_servers):
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    kept = api.upload(app_id, "floor_plan", "applicant", *minsu_files["floor_plan"])
    real_servers.stop("s3")
    refused = api.upload(app_id, "business_licence", "applicant", *minsu_files["business_licence"], expect=503)
    assert refused["error"]["code"] == "unavailable" and "存储服务暂不可用" in refused["error"]["message"]
    health = api.client.get("/healthz")
    assert health.status_code == 503 and not health.get_json()["checks"]["storage"]["ok"]
    assert api.json("GET", f"/applications/{app_id}", "applicant")["materials"][0]["file_id"] == kept["file_id"]

    real_servers.start("s3")
    api.upload(app_id, "business_licence", "applicant", *minsu_files["business_licence"])
    download = api.call("GET", f"/applications/{app_id}/files/{kept['file_id']}", "applicant", 200)
    assert download.data == minsu_files["floor_plan"][0]
    assert api.client.get("/healthz").status_code == 200


def test_postgresql_restarted_the_server_recovers_by_itself(api, minsu_files, real_servers):
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    real_servers.stop("pg")
    down = api.call("GET", f"/applications/{app_id}", "applicant")
    assert down.status_code == 503 and "数据库暂不可用" in down.get_json()["error"]["message"]
    assert api.client.get("/healthz").status_code == 503
    real_servers.start("pg")
    assert api.json("GET", f"/applications/{app_id}", "applicant")["status"] == "draft"
    api.upload(app_id, "floor_plan", "applicant", *minsu_files["floor_plan"])
    assert api.client.get("/healthz").status_code == 200
