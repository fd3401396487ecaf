"""GET /api/v1/supervision/summary: the supervisor dashboard's numbers."""

from ...services.cases import supervision
from ...web.context import db_session
from . import bp
from .access import api_user


@bp.get("/supervision/summary")
def supervision_summary():
    return supervision.summary(db_session(), api_user()), 200, {"Cache-Control": "no-store"}
