"""Public status lookup: tracking number plus the phone's last four digits, no personal data shown."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..errors import NotFound
from ..services.cases import queries
from ..services.cases.clock import Calendar
from ..services.cases.views import public_status
from ..web.context import db_session

bp = Blueprint("track", __name__)


@bp.get("/track")
def lookup():
    number = request.args.get("number", "").strip().upper()
    last4 = request.args.get("phone_last4", "").strip()
    if not number:
        return render_template("track/track.html", number="", last4="", status=None, error=None)
    session = db_session()
    try:
        status = public_status(queries.track(session, number, last4), Calendar.load(session))
    except NotFound as error:
        return render_template("track/track.html", number=number, last4=last4, status=None, error=error), 404
    return render_template("track/track.html", number=number, last4=last4, status=status, error=None)
