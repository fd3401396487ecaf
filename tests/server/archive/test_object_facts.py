"""An upload records SHA-256 only; the facts job learns SM3, SHA-512 and the format before sealing needs them."""

from __future__ import annotations

import hashlib
import io

from archive_samples import make_pdf
from sqlalchemy import select

from server.jobs import Worker
from server.models import Application, Job, StoredObject, User
from server.services.archive.object_facts import FACTS_JOB, known
from server.services.cases import applying, handling


def _upload(runtime, data: bytes) -> tuple[str, str, str]:
    """(application id, stored object id, material file name) of one floor plan uploaded to a new draft."""
    with runtime.db.session() as session:
        user = session.scalar(select(User).where(User.username == "applicant"))
        app = applying.create_draft(session, user, "minsu", None, {"business_name": "青山村民宿"})
        session.commit()
        material = applying.upload_material(session, runtime, user, app, "floor_plan", io.BytesIO(data), "平面图.pdf")
        return app.id, material.object_id, material.filename


def _job_status(runtime, object_id: str) -> str:
    with runtime.db.session() as session:
        return session.scalar(select(Job.status).where(Job.kind == FACTS_JOB, Job.subject == f"object:{object_id}"))


def test_the_upload_leaves_sm3_to_the_job_which_learns_what_sealing_needs(runtime, demo):
    data = make_pdf("floor plan " * 200)
    app_id, object_id, name = _upload(runtime, data)
    with runtime.db.session() as session:
        stored = session.get(StoredObject, object_id)
        assert (stored.sha256, stored.sm3, stored.sha512, stored.format) == (
            hashlib.sha256(data).hexdigest(),
            "",
            "",
            None,
        )
        assert runtime.store.stat(stored.key).sm3 is None
    assert _job_status(runtime, object_id) == "pending"
    Worker(runtime.db, runtime).run_until_idle()
    assert _job_status(runtime, object_id) == "done"
    with runtime.db.session() as session:
        stored = session.get(StoredObject, object_id)
        assert stored.sm3 == hashlib.new("sm3", data).hexdigest()
        assert stored.sha512 == hashlib.sha512(data).hexdigest()
        facts = known(stored, name, "application/pdf")
        assert facts is not None and facts.format.pronom.startswith("fmt/") and facts.format.name
        assert known(stored, "平面图.ofd", "application/pdf") is None, "identified under another suffix"
        assert known(stored, name, "image/jpeg") is None, "identified as another type"
        specs = handling._seal_files(session, runtime, session.get(Application, app_id))
        assert [s.known for s in specs if s.source_key == stored.key] == [facts]


def test_an_upload_removed_before_its_job_ran_leaves_the_job_done(runtime, demo):
    _, object_id, _ = _upload(runtime, make_pdf("floor plan"))
    with runtime.db.session() as session:
        runtime.store.delete(session.get(StoredObject, object_id).key)
    Worker(runtime.db, runtime).run_until_idle()
    assert _job_status(runtime, object_id) == "done"


def test_bytes_that_changed_since_the_upload_fail_the_job_and_teach_nothing(runtime, demo, objects_root):
    _, object_id, _ = _upload(runtime, make_pdf("floor plan"))
    with runtime.db.session() as session:
        path = objects_root / session.get(StoredObject, object_id).key
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    path.write_bytes(bytes(damaged))
    Worker(runtime.db, runtime).run_until_idle()
    assert _job_status(runtime, object_id) == "failed"
    with runtime.db.session() as session:
        assert session.get(StoredObject, object_id).sm3 == ""
