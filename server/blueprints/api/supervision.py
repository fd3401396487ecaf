"""GET /api/v1/supervision/summary: the supervisor dashboard's numbers."""

from ...services.cases import supervision
from ...web.context import db_session, runtime
from . import schemas as s
from .access import api_user
from .endpoint import endpoint


@endpoint(
    "GET",
    "/supervision/summary",
    responses={200: s.Supervision},
    errors=(403,),
    summary="Cases by state, overdue and warning lists, handling times, ratings, the township grid "
    "(supervisors, admins)",
)
def supervision_summary():
    data = supervision.summary(db_session(), api_user(), townships=runtime().settings.townships)
    return data, 200, {"Cache-Control": "no-store"}
