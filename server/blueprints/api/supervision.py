"""GET /api/v1/supervision/summary: the supervisor dashboard's numbers."""

from ...services.cases import supervision
from ...web.context import db_session
from . import schemas as s
from .access import api_user
from .endpoint import endpoint


@endpoint(
    "GET",
    "/supervision/summary",
    responses={200: s.Supervision},
    errors=(403,),
    summary="Cases by state, overdue and warning lists, handling times, ratings (supervisors, admins)",
)
def supervision_summary():
    return supervision.summary(db_session(), api_user()), 200, {"Cache-Control": "no-store"}
