"""OneWindow web server: app factory, blueprints, models, jobs and the CLI."""

from .app import create_app

__all__ = ["create_app"]
