"""The job table's operations: enqueue in the caller's transaction, claim, finish."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, event, func, or_, select, update
from sqlalchemy.orm import Session

from ..models import Job, utcnow

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
_ENQUEUED = "onewindow.jobs_enqueued"
# The workers of this process, woken when a commit adds jobs rather than at their next poll.
_wakers: weakref.WeakSet[threading.Event] = weakref.WeakSet()


def wake_on_enqueue(wake: threading.Event) -> None:
    """``wake`` is set after every commit in this process that enqueued a job."""
    _wakers.add(wake)


@event.listens_for(Session, "after_commit")
def _wake_workers(session: Session) -> None:
    if session.info.pop(_ENQUEUED, False):
        for wake in list(_wakers):
            wake.set()


@event.listens_for(Session, "after_rollback")
def _forget_enqueued(session: Session) -> None:
    session.info.pop(_ENQUEUED, None)


def enqueue(
    session: Session,
    kind: str,
    payload: dict | None = None,
    *,
    subject: str = "",
    max_attempts: int = 5,
    run_after: datetime | None = None,
) -> Job:
    """Adds the job to the caller's unit of work: it exists only if that work commits."""
    job = Job(
        kind=kind, payload=payload or {}, subject=subject, max_attempts=max_attempts, run_after=run_after or utcnow()
    )
    session.add(job)
    session.info[_ENQUEUED] = True
    return job


def enqueue_once(session: Session, kind: str, payload: dict, *, subject: str, **options) -> Job | None:
    """Like enqueue, unless a job of this kind about this subject is already waiting to run."""
    waiting = session.scalar(select(Job.id).where(Job.kind == kind, Job.subject == subject, Job.status == "pending"))
    return None if waiting else enqueue(session, kind, payload, subject=subject, **options)


def claim(session: Session, worker_id: str, now: datetime | None = None) -> Job | None:
    """Takes one due job, or one whose worker died (its lease ran out).

    The claim is a compare-and-set UPDATE, so two workers never run the same
    job, on SQLite and PostgreSQL alike, without dialect-specific locking.
    """
    now = now or utcnow()
    claimable = or_(
        (Job.status == "pending") & (Job.run_after <= now),
        (Job.status == "running") & (Job.locked_until < now),
    )
    candidates = session.scalars(select(Job.id).where(claimable).order_by(Job.run_after).limit(5)).all()
    for job_id in candidates:
        # A DML statement's result is a CursorResult (with rowcount); Session.execute's type says only Result.
        result = cast(
            CursorResult,
            session.execute(
                update(Job)
                .where(Job.id == job_id, claimable)
                .values(
                    status="running",
                    locked_by=worker_id,
                    locked_until=now + LEASE,
                    attempts=Job.attempts + 1,
                    updated_at=now,
                )
            ),
        )
        session.commit()
        if result.rowcount == 1:
            return session.get(Job, job_id, populate_existing=True)
    return None


def release_dead(session: Session, host: str, alive: Callable[[int], bool], now: datetime | None = None) -> int:
    """Makes the jobs of this host's dead processes claimable now instead of when their lease runs out.

    A worker killed mid-job (SIGKILL, OOM, a crashed web worker) would
    otherwise hold its job for the whole lease; a restart on the same host
    can tell from the pid in ``locked_by`` (``host:pid:thread``) that nobody
    is running it. A pid that is alive again (reused) only means waiting for
    the lease, as before.
    """
    now = now or utcnow()
    running = session.execute(
        select(Job.id, Job.locked_by).where(
            Job.status == "running", Job.locked_until >= now, Job.locked_by.startswith(f"{host}:", autoescape=True)
        )
    ).all()
    dead = [job_id for job_id, locked_by in running if not _holder_alive(locked_by or "", host, alive)]
    if dead:
        session.execute(
            update(Job)
            .where(Job.id.in_(dead), Job.status == "running")
            .values(locked_until=now - timedelta(microseconds=1), updated_at=now)
        )
        session.commit()
    return len(dead)


def _holder_alive(locked_by: str, host: str, alive: Callable[[int], bool]) -> bool:
    pid = locked_by[len(host) + 1 :].split(":", 1)[0]
    return not pid.isdigit() or alive(int(pid))


def report_progress(session: Session, job_id: str, done: int, total: int, message: str) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            progress_done=done,
            progress_total=total,
            message=message[:500],
            locked_until=utcnow() + LEASE,
            updated_at=utcnow(),
        )
    )
    session.commit()


def mark_done(session: Session, job: Job) -> None:
    job.status = "done"
    job.finished_at = utcnow()
    job.locked_by = job.locked_until = None
    if job.progress_total:
        job.progress_done = job.progress_total
    session.commit()


def mark_failed(session: Session, job: Job, error: str, *, permanent: bool) -> None:
    """Retries with exponential backoff until max_attempts; then the job stays failed for a person to see."""
    job.last_error = error[-4000:]
    job.locked_by = job.locked_until = None
    if permanent or job.attempts >= job.max_attempts:
        job.status = "failed"
        job.finished_at = utcnow()
    else:
        job.status = "pending"
        job.run_after = utcnow() + min(timedelta(seconds=2**job.attempts), MAX_BACKOFF)
    session.commit()


def job_counts(session: Session) -> dict[str, int]:
    """Jobs by state; ``scheduled`` are pending jobs not yet due (e.g. the next verification round)."""
    rows = session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
    counts = dict.fromkeys(("pending", "running", "done", "failed"), 0)
    counts.update(dict(rows))
    counts["scheduled"] = (
        session.scalar(select(func.count()).select_from(Job).where(Job.status == "pending", Job.run_after > utcnow()))
        or 0
    )
    counts["pending"] -= counts["scheduled"]
    return counts


def progress_of(session: Session, subject: str) -> list[Job]:
    """The jobs about one thing (a file, a dossier), newest first, for progress displays."""
    return list(session.scalars(select(Job).where(Job.subject == subject).order_by(Job.created_at.desc())))
