"""Per-request access to the runtime and a database session."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from ..runtime import Runtime


def runtime() -> Runtime:
    return current_app.extensions["onewindow"]


def db_session() -> Session:
    """One session per request, closed at teardown; views commit explicitly."""
    if "db_session" not in g:
        g.db_session = runtime().db.sessions()
    return g.db_session
