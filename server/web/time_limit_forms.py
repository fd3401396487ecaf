"""The time-limit forms on the staff case pages (容缺 deadlines and review, suspension, a new deadline):
posted fields to the service calls, each in the shape ``run_action`` takes."""

from __future__ import annotations

from datetime import date

from flask import request
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import Application, User
from ..services.cases import escalation, gaps, suspension

GAP_FIELD = "gap_deadline-"


def _date(name: str) -> date | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name} 须为日期 (must be a date)", {"fields": {name: "YYYY-MM-DD"}}) from None


def gap_deadlines() -> dict[str, date]:
    """One date input per deferred slot (``gap_deadline-<slot>``); an empty one takes the default."""
    found = {key[len(GAP_FIELD) :]: _date(key) for key in request.form if key.startswith(GAP_FIELD)}
    return {slot: day for slot, day in found.items() if day is not None}


def review_gap(slot: str):
    def act(session: Session, user: User, app: Application):
        ok = request.form.get("ok") == "yes"
        return gaps.review_item(session, user, app, slot, ok, request.form.get("reason", ""))

    return act


def suspend(session: Session, user: User, app: Application):
    return suspension.suspend(session, user, app, request.form.get("kind", ""), request.form.get("reason", ""))


def resume(session: Session, user: User, app: Application):
    return suspension.resume(session, user, app, request.form.get("note", ""))


def set_deadline(session: Session, user: User, app: Application):
    due = _date("due_date")
    if due is None:
        raise InvalidInput("请填写新的办结日期 (a new due date is required)", {"fields": {"due_date": "required"}})
    return escalation.set_deadline(session, user, app, due, request.form.get("reason", ""))
