"""送达: how and when the decision and its documents reached the applicant.

A decision takes effect for the applicant when it is delivered, and the time to appeal a denial runs
from then, so the date is part of the record (and of the dossier): never in the future, never before
the decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...models import Application, User, utcnow
from ...timeutil import local
from ...vocabulary import Delivery, EventAction
from . import events, policy


def deliver(session: Session, user: User, app: Application, method: str, on: date, note: str = "") -> Application:
    policy.require_access(user, app, policy.Action.DELIVER)
    if method not in set(Delivery):
        raise InvalidInput(
            "送达方式须为 window、post 或 electronic (method must be window, post or electronic)",
            {"field": "method", "allowed": [d.value for d in Delivery]},
        )
    today = local(utcnow()).date()
    if on > today:
        raise InvalidInput(
            f"送达日期不能晚于今天 {today} (the delivery date cannot be in the future)", {"field": "date"}
        )
    decided = local(app.decided_at).date() if app.decided_at else None
    if decided and on < decided:
        raise InvalidInput(
            f"送达日期不能早于作出决定的日期 {decided} (the delivery date cannot be before the decision)",
            {"field": "date", "decided": decided.isoformat()},
        )
    policy.require_not_done(user, app, policy.Action.DELIVER)
    app.delivery_method, app.delivery_date = Delivery(method), on
    app.delivery_note, app.delivered_by = note.strip(), user.display_name
    events.record(
        session, app, user, EventAction.DELIVER, note=app.delivery_note, data={"method": method, "date": on.isoformat()}
    )
    return app


def delivery_json(app: Application) -> dict[str, Any] | None:
    if not app.delivery_method:
        return None
    return {
        "method": app.delivery_method,
        "method_label": Delivery(app.delivery_method).label,
        "date": app.delivery_date.isoformat() if app.delivery_date else None,
        "note": app.delivery_note,
        "delivered_by": app.delivered_by,
    }
