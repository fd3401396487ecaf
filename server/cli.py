"""The `onewindow` command (API.md: serve, worker, demo; archive and index commands join them)."""

from __future__ import annotations

import logging
import signal
import sys

import click
from gunicorn.app.base import BaseApplication

from .config import Settings, load_settings
from .runtime import build_runtime


def _settings(ctx: click.Context) -> Settings:
    ctx.ensure_object(dict)
    if "settings" not in ctx.obj:
        ctx.obj["settings"] = load_settings()
    return ctx.obj["settings"]


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """OneWindow: one-window intake and electronic archive (一窗受理 · 电子归档)."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int, help="0 picks a free port.")
@click.option("--demo", is_flag=True, help="Load the demo catalogue and users first.")
@click.option("--threads", default=8, show_default=True, type=int, help="Request threads per worker process.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, demo: bool, threads: int, workers: int) -> None:
    """Run the web server under gunicorn (migrates the database first; runs jobs in-process unless disabled)."""
    from . import i18n

    settings = _settings(ctx)
    runtime = build_runtime(settings)
    try:
        runtime.db.migrate()
        _schedule_periodic(runtime)
        if demo:
            _load_demo(runtime, settings)
    finally:
        runtime.close()
    # Compiled once here, so that workers starting together do not write the same files.
    i18n.compile_catalogues(settings.data_dir / "translations")
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    _GunicornServer(settings, {
        "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
        # an upload over a weak link may take minutes; gthread workers keep beating meanwhile
        "timeout": 600, "graceful_timeout": 30, "keepalive": 5, "preload_app": False,
        "accesslog": "-", "errorlog": "-", "loglevel": "info",
        # the path without the query string, which may hold ID numbers or phone digits
        "access_log_format": '%(h)s %(m)s %(U)s %(s)s %(B)s %(M)sms',
        # forwarded headers are ProxyFix's job (ONEWINDOW_PROXY_HOPS), in one place
        "secure_scheme_headers": {}, "forwarded_allow_ips": "",
        "control_socket_disable": True, "proc_name": "onewindow",
        "when_ready": _announce(host, settings), "worker_exit": _stop_jobs,
    }).run()


class _GunicornServer(BaseApplication):
    """gunicorn streams wsgi.input, so the app refuses a request before its body is sent.

    The app is created in each worker (no preload): each has its own database
    pool and, when jobs run in-process, its own job thread.
    """

    def __init__(self, settings: Settings, options: dict) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app

        return create_app(self.settings)


def _announce(host: str, settings: Settings):
    def when_ready(arbiter) -> None:
        port = arbiter.LISTENERS[0].sock.getsockname()[1]
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        click.echo(f"OneWindow is running at http://{shown_host}:{port}/  (data: {settings.data_dir})")
        click.echo("Press Ctrl+C to stop.")
    return when_ready


def _stop_jobs(_arbiter, worker) -> None:
    app = getattr(worker, "wsgi", None)
    jobs = app.extensions.get("onewindow.worker") if app is not None else None
    if jobs is not None:
        jobs.stop()


@main.command()
@click.pass_context
def worker(ctx: click.Context) -> None:
    """Run background jobs (extraction, OCR, indexing, integrity checks) in this process."""
    from .jobs import Worker
    from . import tasks  # noqa: F401 - registers the job handlers

    settings = _settings(ctx)
    runtime = build_runtime(settings)
    _schedule_periodic(runtime)
    runner = Worker(runtime.db, runtime, poll_seconds=settings.job_poll_seconds)
    signal.signal(signal.SIGTERM, lambda *_: runner.stop(timeout=0))
    click.echo(f"worker {runner.worker_id} started")
    try:
        runner.serve_forever()
    except KeyboardInterrupt:
        pass


@main.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Bring the database schema up to date (serve does this on start)."""
    runtime = build_runtime(_settings(ctx))
    runtime.db.migrate()
    click.echo("database is up to date")


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the demo catalogue, departments and users, and print their logins."""
    settings = _settings(ctx)
    runtime = build_runtime(settings)
    runtime.db.migrate()
    _load_demo(runtime, settings)


def _schedule_periodic(runtime) -> None:
    """Work that start-up owes: leftovers of a killed write removed, a check that store and database
    agree, the next verification round and upload sweep, and a rebuild of a stale index."""
    from storage import StorageError

    from .tasks import schedule_index_rebuild, schedule_reconciliation, schedule_upload_sweep, schedule_verification

    try:
        removed = runtime.store.sweep_incomplete()
    except StorageError as exc:
        logging.getLogger(__name__).warning("could not sweep interrupted writes: %s", exc)
    else:
        if removed:
            logging.getLogger(__name__).info("removed %d leftover(s) of interrupted writes", removed)
    with runtime.db.session() as session:
        schedule_reconciliation(session)
        schedule_verification(session, runtime.settings.verify_interval_hours)
        schedule_upload_sweep(session)
        schedule_index_rebuild(session, runtime)


def _load_demo(runtime, settings: Settings) -> None:
    from .services.demo import load_demo

    with runtime.db.session() as session:
        logins = load_demo(session, settings.demo_password)
    click.echo("Demo logins (password: the value of ONEWINDOW_DEMO_PASSWORD, default 'demo'):")
    for login in logins:
        dept = f"  [{login.department}]" if login.department else ""
        click.echo(f"  {login.username:<16} {login.role:<11} {login.name}{dept}")


from .cli_archive import archive  # noqa: E402
from .cli_calendar import calendar  # noqa: E402
from .cli_index import index  # noqa: E402

main.add_command(archive)
main.add_command(calendar)
main.add_command(index)


if __name__ == "__main__":
    sys.exit(main())
