"""WSGI entry point for gunicorn (docker-compose). Migrations run before, via `onewindow migrate`."""

from .app import create_app

app = create_app()
