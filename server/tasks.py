"""Job handlers; importing this module registers them all, so a worker knows every kind."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .jobs import JobContext, PermanentFailure, enqueue, handler
from .models import Dossier, Job, utcnow
from .services.archive.checks import check_dossier


@handler("archive.check")
def archive_check(ctx: JobContext) -> None:
    """Four-property check of one dossier (after sealing, and when asked)."""
    runtime = ctx.services
    with runtime.db.session() as session:
        dossier = session.get(Dossier, ctx.payload["dossier_id"])
        if dossier is None:
            raise PermanentFailure(f"no dossier {ctx.payload['dossier_id']}")
        total, label = len(dossier.files), dossier.archival_code
        ctx.progress(0, total, label)
        check_dossier(session, runtime, dossier, ctx.payload.get("trigger", "manual"))
    ctx.progress(total, total, label)


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


def schedule_verification(session, interval_hours: float) -> None:
    """Keeps exactly one future round of scheduled verification queued."""
    pending = session.scalar(select(Job.id).where(Job.kind == "archive.verify_all", Job.status == "pending"))
    if pending is None and interval_hours > 0:
        enqueue(session, "archive.verify_all", {}, subject="archive:verify",
                run_after=utcnow() + timedelta(hours=interval_hours))
