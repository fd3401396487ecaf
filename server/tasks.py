"""Job handlers; importing this module registers them all, so a worker knows every kind."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from indexers import IndexCorrupt, IndexUnavailable
from storage import DigestMismatch, ObjectNotFound

from .jobs import JobContext, PermanentFailure, RetryLater, enqueue, enqueue_once, handler
from .models import Application, Dossier, DossierFile, Job, StoredObject, utcnow
from .services.archive.checks import check_dossier
from .services.archive.ledger import seal_head as seal_ledger_head
from .services.archive.object_facts import FACTS_JOB, learn, remember
from .services.archive.reconcile import reconcile, write_commit_marker
from .services.archive.seal import INDEX_ATTEMPTS
from .services.archive.text import docs_from_storage, dossier_doc, extract_file, store_previews
from .services.cases.archiving_scope import file_rating
from .services.cases.deadlines import sweep as sweep_deadlines
from .services.cases.events import SYSTEM_NAME
from .services.cases.rating import RATING_JOB
from .services.cases.resumable import sweep_abandoned
from .services.notifications import DELIVERY_JOB, deliver

SWEEP_INTERVAL = timedelta(hours=6)
# "At least daily": the head is sealed every six hours, and at every start.
LEDGER_SEAL_INTERVAL = timedelta(hours=6)
# The law's clocks count days, so a few minutes late is on time; start-up runs one at once.
DEADLINE_SWEEP_INTERVAL = timedelta(minutes=5)

log = logging.getLogger(__name__)


def _dossier(session, ctx: JobContext) -> Dossier:
    """The job's dossier; a job about one that does not exist can never succeed."""
    dossier = session.get(Dossier, ctx.payload["dossier_id"])
    if dossier is None:
        raise PermanentFailure(f"no dossier {ctx.payload['dossier_id']}")
    return dossier


@handler("archive.check")
def archive_check(ctx: JobContext) -> None:
    """Four-property check of one dossier (after sealing, and when asked)."""
    runtime = ctx.services
    with runtime.db.session() as session:
        dossier = _dossier(session, ctx)
        total, label = len(dossier.files), dossier.archival_code
        ctx.progress(0, total, label)
        check_dossier(session, runtime, dossier, ctx.payload.get("trigger", "manual"))
    ctx.progress(total, total, label)


@handler(RATING_JOB)
def archive_file_rating(ctx: JobContext) -> None:
    """Files a rating given after completion as the dossier's next version (archiving_scope.file_rating)."""
    runtime = ctx.services
    with runtime.db.session() as session:
        app = session.get(Application, ctx.payload["application_id"])
        if app is None:
            raise PermanentFailure(f"no application {ctx.payload['application_id']}")
        file_rating(session, runtime, app, SYSTEM_NAME)


@handler("archive.confirm")
def archive_confirm(ctx: JobContext) -> None:
    """Writes the commit marker of a dossier whose sealing transaction committed (this job is in it)."""
    runtime = ctx.services
    with runtime.db.session() as session:
        dossier = _dossier(session, ctx)
        write_commit_marker(runtime.store, dossier)


@handler("archive.reconcile")
def archive_reconcile(ctx: JobContext) -> None:
    """Start-up's check that store and database agree; what it finds is logged and in the job's message."""
    runtime = ctx.services
    with runtime.db.session() as session:
        found = reconcile(session, runtime)
    problems = found.problems
    ctx.progress(
        1,
        1,
        "; ".join(problems)[:480]
        if problems
        else f"store and database agree ({len(found.confirmed)} commit marker(s) written, "
        f"{len(found.swept_uploads)} unrecorded upload(s) removed)",
    )


@handler("archive.verify_all")
def archive_verify_all(ctx: JobContext) -> None:
    """The scheduled re-verification: checks every current dossier, then schedules the next round."""
    runtime = ctx.services
    with runtime.db.session() as session:
        ids = list(session.scalars(select(Dossier.id).where(Dossier.superseded.is_(False)).order_by(Dossier.sealed_at)))
    for done, dossier_id in enumerate(ids):
        with runtime.db.session() as session:
            dossier = session.get(Dossier, dossier_id)
            if dossier is not None:
                check_dossier(session, runtime, dossier, "scheduled")
        ctx.progress(done + 1, len(ids), dossier_id)
    with runtime.db.session() as session:
        schedule_verification(session, runtime.settings.verify_interval_hours)


def _archived_file(session, ctx: JobContext) -> DossierFile:
    file = session.get(DossierFile, ctx.payload["file_id"])
    if file is None:
        raise PermanentFailure(f"no archived file {ctx.payload['file_id']}")
    return file


@handler("archive.extract_file")
def archive_extract_file(ctx: JobContext) -> None:
    """Text (layer or OCR) of one archived file, then re-index its dossier; the previews follow as their
    own job, queued after the re-indexing, so a file is searchable without waiting for its renders."""
    runtime = ctx.services
    with runtime.db.session() as session:
        file = _archived_file(session, ctx)
        ctx.progress(0, 1, file.name)
        extract_file(runtime.store, file.dossier, file, previews=False)
        enqueue_once(
            session,
            "index.dossier",
            {"dossier_id": file.dossier_id},
            subject=f"index:{file.dossier_id}",
            max_attempts=INDEX_ATTEMPTS,
        )
        if file.text_status != "failed":
            enqueue(session, "archive.previews", {"file_id": file.id}, subject=f"file:{file.id}")
        name = file.name
    ctx.progress(1, 1, name)


@handler("archive.previews")
def archive_previews(ctx: JobContext) -> None:
    """Preview images of one archived file (after its text)."""
    runtime = ctx.services
    with runtime.db.session() as session:
        file = _archived_file(session, ctx)
        store_previews(runtime.store, file.dossier, file)


@handler(FACTS_JOB)
def uploads_facts(ctx: JobContext) -> None:
    """SM3, SHA-512 and format of an uploaded file (object_facts), read with no database transaction open.

    A job of well under a second: no progress reports, each of which would be a write transaction more
    beside the uploads that queued it."""
    runtime, name = ctx.services, ctx.payload["name"]
    with runtime.db.session() as session:
        stored = session.get(StoredObject, ctx.payload["object_id"])
        if stored is None:
            return  # the upload was discarded
        key, sha256, media_type = stored.key, stored.sha256, stored.media_type
    try:
        facts = learn(runtime.store, key, sha256, media_type, name)
    except ObjectNotFound:
        return  # replaced and removed since: nothing left to seal
    except DigestMismatch as exc:
        raise PermanentFailure(str(exc)) from None
    with runtime.db.session() as session:
        stored = session.get(StoredObject, ctx.payload["object_id"])
        if stored is not None:
            remember(stored, facts, name)


@handler("index.dossier")
def index_dossier(ctx: JobContext) -> None:
    """Applies the outbox entry: (re)indexes one dossier; retried while the index is down."""
    runtime = ctx.services
    with runtime.db.session() as session:
        dossier = _dossier(session, ctx)
        superseded = dossier.superseded
        doc = None if superseded else dossier_doc(runtime.store, dossier)
    try:
        if superseded:
            runtime.index.delete_dossier(ctx.payload["dossier_id"])
        else:
            runtime.index.index_dossier(doc)
    except IndexUnavailable as exc:  # keep the entry and retry later; anything else fails loudly
        log.warning("indexing dossier %s failed: %s", ctx.payload["dossier_id"], exc)
        raise RetryLater(f"index unavailable: {exc}") from exc


@handler("index.rebuild")
def index_rebuild(ctx: JobContext) -> None:
    """Rebuilds the index from the object store (after a schema change, or on a new index)."""
    runtime = ctx.services
    with runtime.db.session() as session:
        reconcile(session, runtime, quarantine=False, sweep_uploads=False)
    try:
        count = runtime.index.rebuild(docs_from_storage(runtime.store))
    except IndexUnavailable as exc:
        raise RetryLater(f"index unavailable: {exc}") from exc
    ctx.progress(count, count, f"{count} dossier(s) indexed")


def schedule_index_rebuild(session, runtime) -> bool:
    """Queues a rebuild when the index says its contents are stale (a new schema version, never built,
    or unreadable: a rebuild replaces a corrupt index)."""
    try:
        stale = runtime.index.needs_rebuild()
    except IndexUnavailable as exc:  # retried by the jobs that need it
        log.warning("could not ask the index whether it needs a rebuild: %s", exc)
        return False
    except IndexCorrupt as exc:
        log.warning("the index is unreadable, rebuilding it: %s", exc)
        stale = True
    if stale:
        enqueue_once(session, "index.rebuild", {}, subject="index:rebuild", max_attempts=INDEX_ATTEMPTS)
    return stale


@handler("uploads.sweep")
def uploads_sweep(ctx: JobContext) -> None:
    """Removes abandoned resumable uploads, then schedules the next sweep."""
    runtime = ctx.services
    with runtime.db.session() as session:
        removed = sweep_abandoned(session, runtime)
        schedule_upload_sweep(session)
    ctx.progress(removed, removed, f"{removed} abandoned upload(s) removed")


def schedule_upload_sweep(session) -> None:
    """Keeps exactly one future sweep of abandoned uploads queued."""
    pending = session.scalar(select(Job.id).where(Job.kind == "uploads.sweep", Job.status == "pending"))
    if pending is None:
        enqueue(session, "uploads.sweep", {}, subject="uploads:sweep", run_after=utcnow() + SWEEP_INTERVAL)


@handler("deadlines.sweep")
def deadlines_sweep(ctx: JobContext) -> None:
    """Deemed acceptance, 容缺 reminders and termination, suspensions past their length, warnings and
    escalations (server/services/cases/deadlines.py); then schedules the next sweep."""
    runtime = ctx.services
    with runtime.db.session() as session:
        report = sweep_deadlines(session, runtime)
    with runtime.db.session() as session:
        schedule_deadline_sweep(session)
    ctx.progress(1, 1, report.summary())


def schedule_deadline_sweep(session, *, now: bool = False) -> None:
    """Keeps exactly one sweep of the deadlines queued; ``now`` (start-up) brings it forward to run at once."""
    when = utcnow() if now else utcnow() + DEADLINE_SWEEP_INTERVAL
    pending = session.scalar(select(Job).where(Job.kind == "deadlines.sweep", Job.status == "pending"))
    if pending is None:
        enqueue(session, "deadlines.sweep", {}, subject="deadlines:sweep", run_after=when)
    elif now and pending.run_after > when:
        pending.run_after = when


def schedule_reconciliation(session) -> None:
    """Once per start: a crash may have left a package without its record, or a record without its marker."""
    enqueue_once(session, "archive.reconcile", {}, subject="archive:reconcile")


def schedule_verification(session, interval_hours: float) -> None:
    """Keeps exactly one future round of scheduled verification queued."""
    pending = session.scalar(select(Job.id).where(Job.kind == "archive.verify_all", Job.status == "pending"))
    if pending is None and interval_hours > 0:
        enqueue(
            session,
            "archive.verify_all",
            {},
            subject="archive:verify",
            run_after=utcnow() + timedelta(hours=interval_hours),
        )


@handler("ledger.seal_head")
def ledger_seal_head(ctx: JobContext) -> None:
    """Seals the access ledger's head into the object store (write-once), then schedules the next sealing."""
    runtime = ctx.services
    with runtime.db.session() as session:
        key = seal_ledger_head(session, runtime.store)
    with runtime.db.session() as session:
        schedule_ledger_seal(session)
    ctx.progress(1, 1, f"sealed {key}" if key else "the head was already sealed")


def schedule_ledger_seal(session, *, now: bool = False) -> None:
    """Keeps exactly one sealing of the ledger's head queued, at least daily; ``now`` (start-up) runs one at once."""
    when = utcnow() if now else utcnow() + LEDGER_SEAL_INTERVAL
    pending = session.scalar(select(Job).where(Job.kind == "ledger.seal_head", Job.status == "pending"))
    if pending is None:
        enqueue(session, "ledger.seal_head", {}, subject="ledger:seal", run_after=when)
    elif now and pending.run_after > when:
        pending.run_after = when


@handler(DELIVERY_JOB)
def notify_deliver(ctx: JobContext) -> None:
    """One e-mail or SMS of a notification; retried while the mail server or SMS gateway is down."""
    runtime = ctx.services
    status = deliver(
        runtime.db, ctx.payload["delivery_id"], mailer=runtime.mailer, sms=runtime.sms, attempt=ctx.attempt
    )
    ctx.progress(1, 1, status)
