"""The shape of every workflow button: run one service call, then show the outcome."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from sqlalchemy.orm import Session

from ..errors import AppError, Conflict, InvalidInput
from .context import db_session


def run_action(
    action: Callable[[Session], object], *, refused: Callable[[AppError], object], done_message: str, done_url: str
):
    """A refusal the user can fix (a conflict, bad input) re-renders their page with the reason and
    nothing saved; success commits, flashes ``done_message`` and redirects (303) to ``done_url``."""
    session = db_session()
    try:
        action(session)
    except (Conflict, InvalidInput) as error:
        session.rollback()
        return refused(error)
    session.commit()
    flash(done_message, "ok")
    return redirect(done_url, 303)
