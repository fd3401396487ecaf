"""The delivery form (送达) on the clerk's and the officer's case pages: posted fields to the service call."""

from __future__ import annotations

from datetime import date

from flask import request
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import Application, User
from ..services.cases import delivery


def deliver_from_form(session: Session, user: User, app: Application) -> Application:
    raw = request.form.get("date", "").strip()
    try:
        on = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("送达日期须为日期 (the delivery date must be a date)", {"field": "date"}) from None
    return delivery.deliver(session, user, app, request.form.get("method", ""), on, request.form.get("note", ""))
