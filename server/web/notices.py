"""A notice (受理通知书, 一次性告知书 …) as a PDF download, the same for the pages and the API."""

from __future__ import annotations

from flask import Response

from ..models import Application
from ..services.cases import queries
from ..services.cases.notices import notice_pdf


def notice_response(app: Application, notice_id: str) -> Response:
    """Rendered on each request from the recorded notice: the archived copy is the sealed one."""
    notice = queries.notice_of(app, notice_id)
    return Response(
        notice_pdf(app, notice),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{notice.number}.pdf"'},
    )
