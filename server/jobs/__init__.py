"""Durable background jobs: a queue in the application database, handlers by kind, workers.

Why our own queue rather than Celery/RQ/Huey: work must be enqueued in the same
database transaction as the change that causes it (an outbox), on SQLite for
the embedded set-up and on PostgreSQL at scale, with no broker to run. None of
the maintained task queues offers transactional enqueue on both databases;
the queue itself is a table and a compare-and-set claim.
"""

from .queue import enqueue, enqueue_once, job_counts, progress_of
from .registry import JobContext, PermanentFailure, RetryLater, handler, registered_kinds
from .worker import Worker, WorkerPool

__all__ = [
    "enqueue",
    "enqueue_once",
    "job_counts",
    "progress_of",
    "JobContext",
    "PermanentFailure",
    "RetryLater",
    "handler",
    "registered_kinds",
    "Worker",
    "WorkerPool",
]
