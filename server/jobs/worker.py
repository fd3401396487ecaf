"""Runs jobs: as threads inside `onewindow serve`, or as `onewindow worker`."""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import traceback
from typing import Any

from ..db import Database
from . import queue
from .registry import JobContext, PermanentFailure, RetryLater, lookup

log = logging.getLogger(__name__)


# How much nicer than the web server's threads a job thread runs (Linux nice steps; 19 is the most).
JOB_NICENESS = 10


def lower_priority() -> None:
    """Makes the calling thread, and the threads and processes it starts, yield the CPU to the web threads.

    Jobs in the web process (hashing, identification, OCR) are background work: when a burst of uploads
    queues them, the uploads and status lookups that queued them come first. Linux keeps a nice value per
    thread, inherited by what the thread starts; elsewhere it would renice the whole process, so nothing is
    done there.
    """
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + JOB_NICENESS))
    except OSError as exc:
        log.info("job thread keeps its priority: %s", exc)


class Worker:
    def __init__(self, db: Database, services: Any, *, poll_seconds: float = 1.0, name: str | None = None) -> None:
        self.db = db
        self.services = services
        self.poll_seconds = poll_seconds
        self.worker_id = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self._stop = threading.Event()
        # Set by a commit that enqueued work (queue.wake_on_enqueue): the job starts now, not at the next poll.
        self._wake = threading.Event()
        queue.wake_on_enqueue(self._wake)
        self._thread: threading.Thread | None = None

    def run_once(self) -> bool:
        """Runs one due job; False when there was none."""
        with self.db.sessions() as session:
            job = queue.claim(session, self.worker_id)
            if job is None:
                return False
            self._run(session, job)
            return True

    def run_until_idle(self, limit: int = 10_000) -> int:
        """Runs due jobs until none is left; tests and CLI commands use this to finish work now."""
        ran = 0
        while ran < limit and self.run_once():
            ran += 1
        return ran

    def _run(self, session, job) -> None:
        fn = lookup(job.kind)
        if fn is None:
            queue.mark_failed(session, job, f"no handler for job kind {job.kind!r}", permanent=True)
            return

        def report(done: int, total: int, message: str) -> None:
            with self.db.sessions() as progress_session:
                queue.report_progress(progress_session, job.id, done, total, message)

        ctx = JobContext(
            job_id=job.id,
            kind=job.kind,
            payload=dict(job.payload),
            attempt=job.attempts,
            services=self.services,
            report=report,
        )
        try:
            fn(ctx)
        except PermanentFailure as exc:
            log.warning("job %s (%s) failed permanently: %s", job.id, job.kind, exc)
            session.rollback()
            queue.mark_failed(session, job, str(exc), permanent=True)
        except RetryLater as exc:
            session.rollback()
            queue.mark_failed(session, job, f"retry: {exc}", permanent=False)
        except Exception:  # a job's bug must not stop the worker
            log.exception("job %s (%s) raised", job.id, job.kind)
            session.rollback()
            queue.mark_failed(session, job, traceback.format_exc(), permanent=False)
        else:
            session.refresh(job)
            queue.mark_done(session, job)

    def serve_forever(self) -> None:
        log.info("worker %s polling every %.1fs", self.worker_id, self.poll_seconds)
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # database blips: wait and poll again
                log.exception("worker poll failed")
                busy = False
            if not busy:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def start_thread(self, *, behind_requests: bool = False) -> threading.Thread:
        """``behind_requests``: the thread runs beside a web server's, at a lower priority (lower_priority)."""
        target = self._serve_behind_requests if behind_requests else self.serve_forever
        self._thread = threading.Thread(target=target, name="onewindow-jobs", daemon=True)
        self._thread.start()
        return self._thread

    def _serve_behind_requests(self) -> None:
        lower_priority()
        self.serve_forever()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def release_dead_leases(db: Database) -> None:
    """Before this process's workers claim anything: the jobs that died with an earlier process here run now.

    Our own pid counts as dead too: nothing in this process holds a job yet, so a
    lease under it is from an earlier process (a container restarted with the same
    hostname gets the same pids). This assumes what the worker ids already do: one
    hostname, one pid namespace (two containers given the same ``hostname:`` would
    each see the other's jobs as dead).
    """
    me = os.getpid()
    try:
        with db.sessions() as session:
            released = queue.release_dead(session, socket.gethostname(), lambda pid: pid != me and pid_alive(pid))
    except Exception:  # a database blip: the leases run out as before
        log.exception("could not release the jobs of dead workers")
        return
    if released:
        log.warning("%d job(s) held by dead workers on this host run again now", released)


class WorkerPool:
    """Several job threads in one process.

    Extraction and OCR jobs spend their time in a tool (tesseract, the pypdf
    worker) outside the interpreter, so one thread per core keeps every core
    busy; one thread would leave all but one idle however long the backlog.
    The claim is a compare-and-set, so threads never run the same job.
    """

    def __init__(self, db: Database, services: Any, threads: int, *, poll_seconds: float = 1.0) -> None:
        self.db = db
        prefix = f"{socket.gethostname()}:{os.getpid()}"
        self.workers = [
            Worker(db, services, poll_seconds=poll_seconds, name=f"{prefix}:{n}") for n in range(max(1, threads))
        ]

    def start(self) -> WorkerPool:
        """In the web process (``serve``, the app factory): job threads behind the request threads."""
        release_dead_leases(self.db)
        for worker in self.workers:
            worker.start_thread(behind_requests=True)
        return self

    def serve_forever(self) -> None:
        """Runs the pool until ``stop``: the first worker in the calling thread, the others in their own."""
        release_dead_leases(self.db)
        for worker in self.workers[1:]:
            worker.start_thread()
        self.workers[0].serve_forever()
        self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        for worker in self.workers:
            worker._stop.set()
        for worker in self.workers:
            worker.stop(timeout)
