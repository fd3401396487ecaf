"""/admin: how big the catalogue and the user base are, what changed last, and where to change it."""

from __future__ import annotations

from flask import render_template

from ...models import ROLES
from ...services import catalogue as reading
from ...services.admin import audit, users
from ...vocabulary import ServiceStatus
from ...web.context import db_session
from .audit_log import action_label
from .blueprint import bp

RECENT = 8


@bp.get("")
def overview():
    session = db_session()
    services = reading.list_services(session, active_only=False)
    by_role = {role: users.list_users(session, role=role, page=1, per_page=1)[0] for role in ROLES}
    _total, recent = audit.entries(session, page=1, per_page=RECENT)
    return render_template(
        "admin/overview.html",
        departments=len(reading.list_departments(session)),
        material_types=len(reading.list_material_types(session)),
        published=sum(1 for s in services if s.status == ServiceStatus.PUBLISHED),
        retired=sum(1 for s in services if s.status == ServiceStatus.RETIRED),
        by_role=by_role,
        recent=recent,
        action_label=action_label,
    )
