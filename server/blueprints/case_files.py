"""Files of a case for whoever may view the case: page previews, the materials, notices as PDF, results."""

from __future__ import annotations

from flask import Blueprint, request

from ..models import Application, StoredObject
from ..services.cases import queries, reads, reuse
from ..web import previews
from ..web.access import require_sign_in, web_user
from ..web.context import db_session, runtime
from ..web.notices import notice_response
from ..web.ranges import send_stored

bp = Blueprint("case_files", __name__)
require_sign_in(bp)


def _case(app_id: str) -> Application:
    return queries.get_case(db_session(), web_user(), app_id)


def _addr() -> str:
    return request.remote_addr or ""


@bp.get("/cases/<app_id>/materials/<material_id>/pages/<int:page>-<int:px>.webp")
def preview(app_id: str, material_id: str, page: int, px: int):
    session, user = db_session(), web_user()
    material = reads.preview_material(session, user, _case(app_id), material_id, page, remote_addr=_addr())
    previews.check_request(material.pages, page, px)
    session.commit()
    stored = db_session().get(StoredObject, material.object_id)
    assert stored is not None  # every material's object is recorded with it
    data = previews.material_preview(
        runtime(), material_id=material.id, object_key=stored.key, media_type=material.media_type, page=page, px=px
    )
    return previews.image_response(data)


@bp.get("/cases/<app_id>/offers/<file_id>/pages/<int:page>-<int:px>.webp")
def offer_preview(app_id: str, file_id: str, page: int, px: int):
    """A page of an archived file offered to this case, seen before anyone agrees to reuse it."""
    session = db_session()
    file = reuse.preview_offer(session, web_user(), _case(app_id), file_id, page, remote_addr=_addr())
    previews.check_request(file.pages, page, px)
    session.commit()
    return previews.image_response(previews.offer_preview(runtime(), file.dossier_id, file, page, px))


@bp.get("/cases/<app_id>/materials/<material_id>")
def material_file(app_id: str, material_id: str):
    material = reads.read_material(db_session(), web_user(), _case(app_id), material_id, remote_addr=_addr())
    db_session().commit()
    return send_stored(runtime(), db_session(), material.object_id, filename=material.filename, sha256=material.sha256)


@bp.get("/cases/<app_id>/notices/<notice_id>.pdf")
def notice(app_id: str, notice_id: str):
    app = _case(app_id)
    reads.read_notice(db_session(), web_user(), app, notice_id, remote_addr=_addr())
    db_session().commit()
    return notice_response(app, notice_id)


@bp.get("/cases/<app_id>/results/<result_id>")
def result(app_id: str, result_id: str):
    row = reads.read_result(db_session(), web_user(), _case(app_id), result_id, remote_addr=_addr())
    db_session().commit()
    return send_stored(runtime(), db_session(), row.object_id, filename=row.filename, sha256=row.sha256)
