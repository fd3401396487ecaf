"""The durable job queue: transactional enqueue, retries with backoff, leases, progress."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from indexers import IndexCorrupt, IndexUnavailable, open_index
from server.db import Database
from server.jobs import Worker, WorkerPool, enqueue, handler, job_counts, progress_of, queue
from server.jobs.registry import PermanentFailure, RetryLater
from server.models import Department, Dossier, Job, utcnow

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


TOGETHER = threading.Barrier(2, timeout=30)


@handler("test.together")
def _together(ctx):
    """Returns only while another job runs at the same moment: a pool of one thread fails it."""
    TOGETHER.wait()
    CALLS.append({"payload": ctx.payload, "attempt": ctx.attempt})


RAN = threading.Event()


@handler("test.signal")
def _signal(ctx):
    RAN.set()


class _WatchedEvent(threading.Event):
    """A worker's wake-up event that tells when the worker has gone idle and waits on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waited = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.waited.set()
        return super().wait(timeout)


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
    with pytest.raises(RuntimeError), db.session() as session:
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
            "test.broken": "failed",
            "test.bug": "failed",
            "test.nobody-handles-this": "failed",
        }
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


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_restart_runs_the_jobs_of_this_hosts_dead_processes_at_once(db):
    host = socket.gethostname()
    holders = {
        "dead process here": f"{host}:{_dead_pid()}:0",
        "earlier process with our pid": f"{host}:{os.getpid()}:0",
        "live process here": f"{host}:{os.getppid()}:0",
        "process on another host": f"elsewhere-{host}:{_dead_pid()}:0",
    }
    with db.session() as session:
        for n in range(len(holders)):
            enqueue(session, "test.record", {"n": n})
    with db.sessions() as session:
        for holder in holders.values():
            assert queue.claim(session, holder) is not None
    with db.session() as session:
        held_by = {job.payload["n"]: job.locked_by for job in session.scalars(select(Job))}

    pool = WorkerPool(db, None, threads=1, poll_seconds=0.05).start()
    try:
        deadline = time.monotonic() + 20
        while len(CALLS) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        pool.stop()
    ran = {held_by[c["payload"]["n"]] for c in CALLS}
    assert ran == {holders["dead process here"], holders["earlier process with our pid"]}
    with db.session() as session:
        still = {job.locked_by for job in session.scalars(select(Job).where(Job.status == "running"))}
    assert still == {holders["live process here"], holders["process on another host"]}, "those wait for the lease"


def test_two_workers_never_run_the_same_job(db):
    with db.session() as session:
        for n in range(20):
            enqueue(session, "test.record", {"n": n})
    workers = [Worker(db, None, name=f"w{i}") for i in range(2)]
    threads = [threading.Thread(target=w.run_until_idle) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(c["payload"]["n"] for c in CALLS) == list(range(20))


def test_a_pool_runs_jobs_on_every_thread_at_once(db):
    """OCR on every core: two jobs of a pool of two threads run side by side, each claimed once."""
    TOGETHER.reset()
    with db.session() as session:
        enqueue(session, "test.together", {"n": 1})
        enqueue(session, "test.together", {"n": 2})
    pool = WorkerPool(db, None, 2, poll_seconds=0.05).start()
    try:
        for _ in range(600):  # the barrier fails both jobs after 30 s if they do not meet
            with db.session() as session:
                if job_counts(session)["done"] == 2:
                    break
            time.sleep(0.1)
    finally:
        pool.stop()
    assert sorted((c["payload"]["n"], c["attempt"]) for c in CALLS) == [(1, 1), (2, 1)], "met at the first try"


def test_an_idle_worker_starts_a_job_when_its_enqueue_commits_not_at_its_next_poll(db):
    """Completion → searchable: the first job after a quiet spell must not wait for the poll interval."""
    RAN.clear()
    worker = Worker(db, None, poll_seconds=3600)
    worker._wake = _WatchedEvent()
    queue.wake_on_enqueue(worker._wake)
    worker.start_thread()
    try:
        assert worker._wake.waited.wait(30), "the worker found nothing and went idle for an hour"
        with pytest.raises(RuntimeError), db.session() as session:
            enqueue(session, "test.signal")
            raise RuntimeError("rolled back: no job, and nothing breaks")
        with db.session() as session:
            enqueue(session, "test.signal")
        assert RAN.wait(30), "the commit cut the hour-long wait short"
    finally:
        worker.stop()
    with db.session() as session:
        assert job_counts(session)["done"] == 1


def test_job_threads_default_to_one_per_core_and_can_be_set(tmp_path):
    from server.config import load_settings

    base = {"ONEWINDOW_DATA_DIR": str(tmp_path)}
    assert load_settings(base).job_threads == (os.cpu_count() or 1)
    assert load_settings({**base, "ONEWINDOW_JOB_THREADS": "3"}).job_threads == 3
    assert len(WorkerPool(None, None, 0).workers) == 1  # type: ignore[arg-type]


# --- index jobs: an unreachable index is waited for, a bug is not ------------------


def _unreachable_index_url(kind: str, tmp_path) -> str:
    """Index files under a plain file, or an Elasticsearch port nothing listens on."""
    if kind == "embedded":
        (tmp_path / "not-a-folder").write_text("")
        return f"sqlite:///{tmp_path / 'not-a-folder' / 'index.db'}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _superseded_dossier(db) -> str:
    """A dossier whose index job only removes it from the index (nothing to read from the store)."""
    now = utcnow()
    with db.session() as session:
        dossier = Dossier(
            archival_code="0001-2026-D30-TEST-00001",
            fonds="0001",
            year=2026,
            retention="D30",
            org_code="TEST",
            item_number=1,
            title="测试案卷",
            service_code="minsu",
            service_name="开办民宿",
            department_code="wlj",
            department_name="文旅局",
            opened_at=now,
            closed_at=now,
            package_prefix="dossiers/test",
            superseded=True,
        )
        session.add(dossier)
        session.flush()
        return dossier.id


class _BuggyIndex:
    def delete_dossier(self, dossier_id):
        raise TypeError("delete_dossier() got an unexpected keyword argument")  # a bug of ours


@pytest.mark.parametrize("kind", ["embedded", "elasticsearch"])
def test_an_index_job_against_an_unreachable_index_is_retried(db, tmp_path, kind):
    import server.tasks  # noqa: F401 - registers the index handlers

    index = open_index(_unreachable_index_url(kind, tmp_path))
    with db.session() as session:
        enqueue(session, "index.dossier", {"dossier_id": _superseded_dossier(db)}, max_attempts=5)
    Worker(db, SimpleNamespace(db=db, index=index)).run_until_idle()
    with db.session() as session:
        job = session.scalar(select(Job).where(Job.kind == "index.dossier"))
        assert (job.status, job.attempts) == ("pending", 1) and job.run_after > utcnow()
        assert job.last_error.startswith("retry: index unavailable")
    index.close()


def test_a_bug_in_an_index_job_fails_it_with_its_traceback(db, caplog):
    import server.tasks  # noqa: F401 - registers the index handlers

    with db.session() as session:
        enqueue(session, "index.dossier", {"dossier_id": _superseded_dossier(db)}, max_attempts=1)
    Worker(db, SimpleNamespace(db=db, index=_BuggyIndex())).run_until_idle()
    with db.session() as session:
        job = session.scalar(select(Job).where(Job.kind == "index.dossier"))
        assert job.status == "failed"
        assert job.last_error.startswith("Traceback") and "TypeError: delete_dossier()" in job.last_error
    assert any(r.levelname == "ERROR" and "index.dossier" in r.getMessage() for r in caplog.records)


class _StaleIndex:
    def __init__(self, error):
        self.error = error

    def needs_rebuild(self):
        raise self.error


def test_start_up_waits_for_an_unreachable_index_and_rebuilds_a_corrupt_one(db):
    from server.tasks import schedule_index_rebuild

    with db.session() as session:
        assert not schedule_index_rebuild(session, SimpleNamespace(index=_StaleIndex(IndexUnavailable("down"))))
        assert session.scalar(select(Job).where(Job.kind == "index.rebuild")) is None
        assert schedule_index_rebuild(session, SimpleNamespace(index=_StaleIndex(IndexCorrupt("meta.json"))))
        assert session.scalar(select(Job).where(Job.kind == "index.rebuild")) is not None


_seen_priorities: list[int] = []


@handler("test.own_priority")
def _own_priority(ctx):
    _seen_priorities.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))


def test_job_threads_in_the_web_process_run_nicer_than_the_request_threads(db):
    from server.jobs.worker import JOB_NICENESS

    _seen_priorities.clear()
    with db.session() as session:
        enqueue(session, "test.own_priority", {})
    pool = WorkerPool(db, None, 1, poll_seconds=0.05).start()
    try:
        deadline = time.monotonic() + 30
        while not _seen_priorities and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        pool.stop()
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert _seen_priorities == [min(19, mine + JOB_NICENESS)]
