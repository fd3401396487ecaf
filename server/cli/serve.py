"""`onewindow serve` and `onewindow worker`, and the work their start-up owes."""

from __future__ import annotations

import contextlib
import logging
import signal

import click

from ..runtime import Runtime
from .context import CliContext, pass_cli
from .database import load_demo
from .gunicorn_app import GunicornServer, gunicorn_options

log = logging.getLogger(__package__)  # "server.cli", as the log lines always said

# More threads than concurrent uploaders: with 8, fifty uploads held every thread and a status lookup queued for
# seconds behind them. Their CPU work is bounded elsewhere (services/cases/uploads.py, STREAMING at a time).
REQUEST_THREADS = 64


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int, help="0 picks a free port.")
@click.option("--demo", is_flag=True, help="Load the demo catalogue and users first.")
@click.option(
    "--threads",
    default=REQUEST_THREADS,
    show_default=True,
    type=int,
    help="Request threads per worker process (most wait: on slow links, or for an upload's turn to stream).",
)
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@pass_cli
def serve(cli: CliContext, host: str, port: int, demo: bool, threads: int, workers: int) -> None:
    """Run the web server under gunicorn (migrates the database first; runs jobs in-process unless disabled)."""
    from .. import i18n
    from ..services.demo import demo_settings

    settings = cli.settings
    try:
        runtime = cli.migrated_runtime()
        schedule_startup_duties(runtime)
        if demo:
            load_demo(runtime, settings)
            settings = demo_settings(settings)
    finally:
        # Closed before gunicorn forks: a worker must not inherit the master's database connections.
        cli.close()
    # Compiled once here, so that workers starting together do not write the same files.
    i18n.compile_catalogues(settings.data_dir / "translations")
    GunicornServer(settings, gunicorn_options(settings, host, port, workers, threads)).run()


@click.command()
@click.option(
    "--threads", type=int, default=None, help="Job threads (default ONEWINDOW_JOB_THREADS, else one per core)."
)
@pass_cli
def worker(cli: CliContext, threads: int | None) -> None:
    """Run background jobs (extraction, OCR, indexing, integrity checks) in this process."""
    from .. import tasks  # noqa: F401 - registers the job handlers
    from ..jobs import WorkerPool

    runtime = cli.runtime
    schedule_startup_duties(runtime)
    count = threads or cli.settings.job_threads
    runner = WorkerPool(runtime.db, runtime, count, poll_seconds=cli.settings.job_poll_seconds)
    signal.signal(signal.SIGTERM, lambda *_: runner.stop(timeout=0))
    click.echo(f"worker {runner.workers[0].worker_id.rpartition(':')[0]} started with {count} job threads")
    with contextlib.suppress(KeyboardInterrupt):
        runner.serve_forever()


def schedule_startup_duties(runtime: Runtime) -> None:
    """Work that start-up owes: leftovers of a killed write removed, a check that store and database
    agree, the next verification round and upload sweep, a sweep of the deadlines now (the server may have
    been down while a time limit passed), a sealing of the access ledger's head, and a rebuild of a stale index."""
    from storage import StorageError

    from ..tasks import (
        schedule_deadline_sweep,
        schedule_index_rebuild,
        schedule_ledger_seal,
        schedule_reconciliation,
        schedule_upload_sweep,
        schedule_verification,
    )

    try:
        removed = runtime.store.sweep_incomplete()
    except StorageError as exc:
        log.warning("could not sweep interrupted writes: %s", exc)
    else:
        if removed:
            log.info("removed %d leftover(s) of interrupted writes", removed)
    with runtime.db.session() as session:
        schedule_reconciliation(session)
        schedule_verification(session, runtime.settings.verify_interval_hours)
        schedule_upload_sweep(session)
        schedule_deadline_sweep(session, now=True)
        schedule_ledger_seal(session, now=True)
        schedule_index_rebuild(session, runtime)
