"""Abandoned resumable uploads are swept: their sessions and spooled bytes go, finished and fresh ones stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from sqlalchemy import select

from server.jobs import Worker
from server.models import Job, UploadSession, utcnow
from server.services.cases.resumable import ABANDONED_AFTER, sweep_abandoned


def _start(api, app_id: str, data: bytes, sent: int) -> str:
    started = api.json(
        "POST",
        f"/applications/{app_id}/uploads",
        "applicant",
        201,
        json={"slot": "floor_plan", "filename": "平面图.pdf", "size": len(data)},
    )
    api.json(
        "PATCH",
        f"/uploads/{started['upload_id']}",
        "applicant",
        201 if sent == len(data) else 200,
        data=data[:sent],
        headers={"Upload-Offset": "0"},
    )
    return started["upload_id"]


def test_abandoned_uploads_and_orphan_spool_files_are_removed(api, runtime, minsu_files):
    data = minsu_files["floor_plan"][0]
    app_id = api.json("POST", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    abandoned, fresh, finished = (
        _start(api, app_id, data, 100),
        _start(api, app_id, data, 100),
        _start(api, app_id, data, len(data)),
    )
    spool = runtime.settings.data_dir / "uploads"
    orphan_old, orphan_new = spool / "crashed-long-ago.part", spool / "just-started.part"
    orphan_old.write_bytes(b"x"), orphan_new.write_bytes(b"y")
    week_ago = time.time() - ABANDONED_AFTER.total_seconds() - 60
    os.utime(orphan_old, (week_ago, week_ago))
    with runtime.db.session() as session:
        session.get(UploadSession, abandoned).updated_at = utcnow() - ABANDONED_AFTER - timedelta(minutes=1)
        session.get(UploadSession, finished).updated_at = utcnow() - ABANDONED_AFTER - timedelta(minutes=1)

    with runtime.db.session() as session:
        assert sweep_abandoned(session, runtime) == 1

    with runtime.db.session() as session:
        assert session.get(UploadSession, abandoned) is None
        assert session.get(UploadSession, fresh) is not None and session.get(UploadSession, finished) is not None
    assert not (spool / f"{abandoned}.part").exists() and (spool / f"{fresh}.part").exists()
    assert not orphan_old.exists() and orphan_new.exists()
    api.call("GET", f"/uploads/{abandoned}", "applicant", 404)  # the client starts again
    assert api.json("GET", f"/uploads/{fresh}", "applicant")["offset"] == 100


def test_the_sweep_job_runs_and_schedules_the_next(runtime, demo):
    from server.tasks import schedule_upload_sweep

    with runtime.db.session() as session:
        schedule_upload_sweep(session)
        schedule_upload_sweep(session)
        [job] = session.scalars(select(Job).where(Job.kind == "uploads.sweep")).all()
        job.run_after = utcnow()
    Worker(runtime.db, runtime).run_until_idle()
    with runtime.db.session() as session:
        jobs = session.scalars(select(Job).where(Job.kind == "uploads.sweep").order_by(Job.created_at)).all()
        assert [j.status for j in jobs] == ["done", "pending"]
        assert jobs[1].run_after > utcnow() + timedelta(hours=5)
