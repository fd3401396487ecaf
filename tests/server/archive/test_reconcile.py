"""A sealing that never committed leaves a package no record owns: it is found, quarantined and never indexed."""

from __future__ import annotations

import io
from datetime import timedelta

from archive_samples import make_pdf
from click.testing import CliRunner
from sqlalchemy import select

from server.cli import main
from server.jobs import Worker
from server.models import Dossier, ServiceItem, utcnow
from server.services.archive.reconcile import GRACE, reconcile
from server.services.archive.seal import SealFile, SealRequest, seal_dossier
from server.services.archive.text import docs_from_storage
from server.services.object_keys import commit_marker_key, material_key, quarantine_key


def _request(session, title: str) -> SealRequest:
    service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
    return SealRequest(
        title=title,
        service=service,
        opened_at=utcnow(),
        closed_at=utcnow(),
        sealed_by="clerk",
        events=[{"seq": 1, "action": "complete"}],
        files=[SealFile(name="登记证.pdf", open=lambda: io.BytesIO(make_pdf("登记证")), media_type="application/pdf")],
    )


def _crashed_then_retried(runtime) -> tuple[str, Dossier]:
    """The first sealing writes its package and dies before committing; the retry takes the same number."""
    session = runtime.db.sessions()
    ghost = seal_dossier(session, runtime, _request(session, "第一次"))
    ghost_id, ghost_code = ghost.id, ghost.archival_code
    session.rollback()  # what a crash before COMMIT leaves: the package, no record
    session.close()
    with runtime.db.session() as session:
        retry = seal_dossier(session, runtime, _request(session, "重试"))
    assert retry.archival_code == ghost_code
    Worker(runtime.db, runtime).run_until_idle()
    return ghost_id, retry


def _cli(settings, *args):
    env = {"ONEWINDOW_DATA_DIR": str(settings.data_dir), "ONEWINDOW_CLAMD_URL": settings.clamd_url}
    return CliRunner().invoke(main, list(args), env=env)


def test_the_store_alone_knows_which_package_committed(runtime, demo):
    ghost_id, retry = _crashed_then_retried(runtime)
    store = runtime.store
    assert store.exists(commit_marker_key(retry.id)) and not store.exists(commit_marker_key(ghost_id))
    docs = list(docs_from_storage(store))
    assert [d.dossier_id for d in docs] == [retry.id], "one dossier per archival code in a rebuilt index"
    runtime.index.rebuild(iter(docs))


def test_an_orphan_is_reported_then_quarantined_once_it_is_old_enough(runtime, demo):
    ghost_id, retry = _crashed_then_retried(runtime)
    with runtime.db.session() as session:
        young = reconcile(session, runtime)
        assert [p.dossier_id for p in young.in_flight] == [ghost_id] and not young.quarantined
    early = _cli(runtime.settings, "archive", "verify")
    assert f"NOTE package {ghost_id} has no record yet" in early.output

    later = utcnow() + GRACE + timedelta(minutes=1)
    with runtime.db.session() as session:
        found = reconcile(session, runtime, now=later)
    assert [p.dossier_id for p in found.quarantined] == [ghost_id]
    assert found.quarantined[0].archival_code == retry.archival_code
    assert [line for line in found.problems if ghost_id in line and "quarantined" in line]
    assert runtime.store.exists(quarantine_key(ghost_id))

    after = _cli(runtime.settings, "archive", "verify")
    assert f"NOTE orphan package {ghost_id}" in after.output and "is quarantined" in after.output
    assert after.exit_code == 0, after.output
    with runtime.db.session() as session:
        again = reconcile(session, runtime, now=later)
        assert not again.quarantined and [p.dossier_id for p in again.known_quarantined] == [ghost_id]


def test_verify_fails_on_a_record_whose_package_is_gone(runtime, demo, settings):
    _, retry = _crashed_then_retried(runtime)
    root = settings.data_dir / "objects"
    for path in sorted((root / retry.package_prefix).rglob("*"), reverse=True):
        path.chmod(0o644) if path.is_file() else None
        path.unlink() if path.is_file() else path.rmdir()
    result = _cli(runtime.settings, "archive", "verify")
    assert result.exit_code == 1
    assert f"FAIL dossier {retry.id}: its package is missing from the store" in result.output


def test_a_record_without_its_marker_gets_one(runtime, demo, settings):
    _, retry = _crashed_then_retried(runtime)
    marker = settings.data_dir / "objects" / commit_marker_key(retry.id)
    marker.chmod(0o644)
    marker.unlink()
    assert [d.dossier_id for d in docs_from_storage(runtime.store)] == []
    with runtime.db.session() as session:
        assert reconcile(session, runtime).confirmed == [retry.id]
    assert [d.dossier_id for d in docs_from_storage(runtime.store)] == [retry.id]


def test_uploads_no_record_refers_to_are_swept_when_old(runtime, demo):
    stray = material_key("case", "lost-in-a-crash")
    runtime.store.put(stray, [make_pdf("身份证")])
    with runtime.db.session() as session:
        assert reconcile(session, runtime).swept_uploads == []
        assert reconcile(session, runtime, now=utcnow() + GRACE * 2).swept_uploads == [stray]
    assert not runtime.store.exists(stray)
