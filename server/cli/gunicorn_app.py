"""The web server under gunicorn: its options and the hooks that report and stop."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from ..config import Settings

SWITCH_SECONDS = 0.0005


class GunicornServer(BaseApplication):
    """gunicorn streams wsgi.input, so the app refuses a request before its body is sent.

    The app is created in each worker (no preload): each has its own database
    pool and, when jobs run in-process, its own job thread.
    """

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from ..app import create_app

        return create_app(self.settings)


def gunicorn_options(settings: Settings, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # an upload over a weak link may take minutes; gthread workers keep beating meanwhile
        "timeout": 600,
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": False,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        # the path without the query string, which may hold ID numbers or phone digits
        "access_log_format": "%(h)s %(m)s %(U)s %(s)s %(B)s %(M)sms",
        # forwarded headers are ProxyFix's job (ONEWINDOW_PROXY_HOPS), in one place
        "secure_scheme_headers": {},
        "forwarded_allow_ips": "",
        "control_socket_disable": True,
        "proc_name": "onewindow",
        "when_ready": _announce(host, settings),
        "post_worker_init": _tune_worker,
        "worker_exit": _stop_jobs,
    }


def _announce(host: str, settings: Settings) -> Callable[[Any], None]:
    def when_ready(arbiter) -> None:
        port = arbiter.LISTENERS[0].sock.getsockname()[1]
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        click.echo(f"OneWindow is running at http://{shown_host}:{port}/  (data: {settings.data_dir})")
        click.echo("Press Ctrl+C to stop.")

    return when_ready


def _tune_worker(_worker) -> None:
    """A request thread that waited on the database or a socket gets the GIL back within SWITCH_SECONDS of a
    busy thread (Python's default 5 ms, paid at every query, let a status lookup wait behind uploads)."""
    sys.setswitchinterval(SWITCH_SECONDS)


def _stop_jobs(_arbiter, worker) -> None:
    app = getattr(worker, "wsgi", None)
    jobs = app.extensions.get("onewindow.worker") if app is not None else None
    if jobs is not None:
        jobs.stop()
