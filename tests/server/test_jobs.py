"""The durable job queue: transactional enqueue, retries with backoff, leases, progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.db import Database
from server.jobs import Worker, enqueue, handler, job_counts, progress_of
from server.jobs import queue
from server.jobs.registry import PermanentFailure, RetryLater
from server.models import Department, Job, utcnow

CALLS: list[dict] = []


@handler("test.record")
def _record(ctx):
    ctx.progress(1, 2, "halfway")
    CALLS.append({"payload": ctx.payload, "attempt": ctx.attempt})
    ctx.progress(2, 2, "done")


@handler("test.flaky")
def _flaky(ctx):
    if ctx.attempt < 3:
        raise RetryLater("index is down")
    CALLS.append({"payload": ctx.payload, "attempt": ctx.attempt})


@handler("test.broken")
def _broken(ctx):
    raise PermanentFailure("file is not a PDF")


@handler("test.bug")
def _bug(ctx):
    raise ZeroDivisionError("oops")


@pytest.fixture
def db(database_url):
    CALLS.clear()
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def _due_now(db):
    """Backoff puts retries in the future; tests move them back instead of sleeping."""
    with db.session() as session:
        for job in session.scalars(select(Job).where(Job.status == "pending")):
            job.run_after = utcnow() - timedelta(seconds=1)


def test_job_exists_only_if_the_change_commits(db):
    with pytest.raises(RuntimeError):
        with db.session() as session:
            session.add(Department(code="d1", name="甲局"))
            enqueue(session, "test.record", {"n": 1})
            raise RuntimeError("request failed")
    with db.session() as session:
        assert session.scalars(select(Job)).all() == []
        enqueue(session, "test.record", {"n": 2}, subject="file:42")
    assert Worker(db, None).run_until_idle() == 1
    assert CALLS == [{"payload": {"n": 2}, "attempt": 1}]
    with db.session() as session:
        [job] = progress_of(session, "file:42")
        assert (job.status, job.progress_done, job.progress_total, job.message) == ("done", 2, 2, "done")


def test_retry_with_backoff_then_success(db):
    with db.session() as session:
        enqueue(session, "test.flaky", {"n": 3})
    worker = Worker(db, None)
    assert worker.run_until_idle() == 1
    with db.session() as session:
        job = session.scalar(select(Job))
        assert job.status == "pending" and job.attempts == 1
        assert job.run_after > utcnow()
        assert "index is down" in job.last_error
    for _ in range(2):
        _due_now(db)
        worker.run_until_idle()
    assert CALLS == [{"payload": {"n": 3}, "attempt": 3}]
    with db.session() as session:
        assert job_counts(session)["done"] == 1


def test_permanent_failure_and_exhausted_retries_are_failed(db):
    with db.session() as session:
        enqueue(session, "test.broken")
        enqueue(session, "test.bug", max_attempts=2)
        enqueue(session, "test.nobody-handles-this")
    worker = Worker(db, None)
    for _ in range(3):
        worker.run_until_idle()
        _due_now(db)
    with db.session() as session:
        jobs = {job.kind: job for job in session.scalars(select(Job))}
        assert {k: j.status for k, j in jobs.items()} == {
            "test.broken": "failed", "test.bug": "failed", "test.nobody-handles-this": "failed"}
        assert "file is not a PDF" in jobs["test.broken"].last_error
        assert jobs["test.bug"].attempts == 2 and "ZeroDivisionError" in jobs["test.bug"].last_error
        assert "no handler" in jobs["test.nobody-handles-this"].last_error
        assert job_counts(session)["failed"] == 3


def test_a_dead_workers_job_is_taken_over_after_its_lease(db):
    with db.session() as session:
        enqueue(session, "test.record", {"n": 4})
    with db.sessions() as session:
        assert queue.claim(session, "worker-that-dies") is not None
    worker = Worker(db, None)
    assert worker.run_until_idle() == 0, "the lease is still held"
    with db.session() as session:
        session.scalar(select(Job)).locked_until = utcnow() - timedelta(seconds=1)
    assert worker.run_until_idle() == 1
    assert CALLS == [{"payload": {"n": 4}, "attempt": 2}]


def test_two_workers_never_run_the_same_job(db):
    with db.session() as session:
        for n in range(20):
            enqueue(session, "test.record", {"n": n})
    import threading
    workers = [Worker(db, None, name=f"w{i}") for i in range(2)]
    threads = [threading.Thread(target=w.run_until_idle) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(c["payload"]["n"] for c in CALLS) == list(range(20))
