"""The e-licence fields of the department's result form, and the licences its case page lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from ..errors import InvalidInput
from ..models import Application, Licence, MaterialType, User
from ..services.cases import licences, policy


def facts(values: MultiDict[str, str]) -> licences.LicenceFacts | None:
    """``licence_type``, ``licence_number`` and ``valid_until`` from a form post or the upload's query string;
    none of them given: a plain result."""
    kind = values.get("licence_type", "").strip()
    number = values.get("licence_number", "").strip()
    raw = values.get("valid_until", "").strip()
    if not (kind or number or raw):
        return None
    try:
        until = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput(
            "有效期须为日期 (valid_until must be a date)", {"fields": {"valid_until": "YYYY-MM-DD"}}
        ) from None
    return licences.LicenceFacts(kind, number, until)


def types(session: Session) -> list[MaterialType]:
    return list(session.scalars(select(MaterialType).order_by(MaterialType.name)))


def of_case(session: Session, user: User, app: Application) -> list[dict[str, Any]]:
    """The case's e-licences, each saying whether this officer may revoke it."""
    rows = session.scalars(select(Licence).where(Licence.application_id == app.id).order_by(Licence.issued_at))
    return [{**licences.licence_json(row), "may_revoke": policy.may_revoke(user, row)} for row in rows]
