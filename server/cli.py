"""The `onewindow` command (API.md: serve, worker, demo; archive and index commands join them)."""

from __future__ import annotations

import logging
import signal
import sys

import click

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
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Load the demo catalogue and users first.")
@click.option("--threads", default=8, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, demo: bool, threads: int) -> None:
    """Run the web server (migrates the database first; runs jobs in-process unless disabled)."""
    from waitress import create_server

    from .app import create_app

    settings = _settings(ctx)
    app = create_app(settings, migrate=True)
    _schedule_periodic(app.extensions["onewindow"])
    if demo:
        _load_demo(app.extensions["onewindow"], settings)
    server = create_server(app, host=host, port=port, threads=threads)
    shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    click.echo(f"OneWindow is running at http://{shown_host}:{server.effective_port}/  (data: {settings.data_dir})")
    click.echo("Press Ctrl+C to stop.")
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        worker = app.extensions.get("onewindow.worker")
        if worker is not None:
            worker.stop()


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
    """Work that start-up owes: the next verification round and upload sweep, and a rebuild of a stale index."""
    from .tasks import schedule_index_rebuild, schedule_upload_sweep, schedule_verification

    with runtime.db.session() as session:
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
