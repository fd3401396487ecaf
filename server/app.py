"""The application factory: settings are read once here and turned into backends."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, g
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, get_locale
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from . import i18n, tasks  # noqa: F401 - tasks registers the job handlers
from .config import Settings, load_settings
from .jobs import WorkerPool
from .runtime import build_runtime

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
EXTENSION = "onewindow"

log = logging.getLogger(__name__)
csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(settings: Settings | None = None, *, migrate: bool = False, start_jobs: bool | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR), static_folder="static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.plain_http,
        REMEMBER_COOKIE_SECURE=not settings.plain_http,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_lifetime_hours),
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_TRANSLATION_DIRECTORIES=str(i18n.compile_catalogues(settings.data_dir / "translations")),
        JSON_AS_ASCII=False,
    )
    if isinstance(app.json, DefaultJSONProvider):  # the provider Flask gives every app
        app.json.ensure_ascii = False

    runtime = build_runtime(settings)
    if migrate:
        runtime.db.migrate()
    app.extensions[EXTENSION] = runtime

    Babel(app, locale_selector=i18n.select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    i18n.remember_locale(app)
    csrf.init_app(app)
    _init_login(app)
    _register_blueprints(app)
    from .web import oidc

    oidc.init_app(app, settings)
    from .web import throttle

    throttle.init_app(app, settings)

    from .web import public_lane, security, sessions
    from .web.errors import register_error_handlers

    register_error_handlers(app)
    sessions.init_app(app)
    public_lane.install(app)  # beneath ProxyFix, which security puts around it
    security.init_app(app, settings)

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    if start_jobs if start_jobs is not None else settings.run_jobs_in_process:
        pool = WorkerPool(runtime.db, runtime, settings.job_threads, poll_seconds=settings.job_poll_seconds)
        app.extensions["onewindow.worker"] = pool.start()
    return app


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def _load(secret: str):
        from .services.auth import user_for_session
        from .web.context import db_session

        user = user_for_session(db_session(), secret)
        if user is not None:
            user.session_secret = secret
        return user


def _register_blueprints(app: Flask) -> None:
    from .blueprints import (
        accounts,
        admin,
        api,
        applicant,
        archive,
        auth,
        case_files,
        counter,
        department,
        health,
        holdings,
        intake,
        ledger,
        notifications,
        oidc,
        portal,
        supervision,
        track,
    )
    from .web import templating

    app.register_blueprint(health.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(oidc.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(templating.bp)
    for pages in (track, applicant, holdings, intake, case_files, counter, department, archive, supervision, admin):
        app.register_blueprint(pages.bp)
    app.register_blueprint(ledger.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    csrf.exempt(api.bp)
