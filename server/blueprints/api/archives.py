"""The archive over the API: search, dossier detail, file reads (logged), export, access ledger."""

from __future__ import annotations

import tempfile

from flask import Response, request, stream_with_context

from ...models import DossierEvent
from ...services.archive import access
from ...services.archive import search as archive_search
from ...services.archive.export import bag_folder_name, export_zip
from ...services.archive.views import dossier_json, hit_json
from ...web.context import db_session, runtime
from ...web.paging import paging
from ...web.ranges import send_object
from . import bp
from .access import api_user, roles


@bp.get("/archives")
@roles(*access.SEARCH_ROLES)
def search_archives():
    page, per_page = paging()
    result = archive_search.search(db_session(), runtime().index, api_user(), request.args, page=page, per_page=per_page)
    return {"total": result.total, "page": page, "per_page": per_page,
            "hits": [hit_json(hit) for hit in result.hits], "facets": result.facets}


@bp.get("/archives/<dossier_id>")
def get_dossier(dossier_id: str):
    view = access.view_dossier(db_session(), api_user(), dossier_id)
    return dossier_json(view)


@bp.get("/archives/<dossier_id>/files/<file_id>")
def get_archived_file(dossier_id: str, file_id: str):
    session, user = db_session(), api_user()
    view = access.view_dossier(session, user, dossier_id)
    file = access.file_in_view(view, file_id)
    access.log_access(session, user, view, action="read", file=file, purpose=request.args.get("purpose", ""),
                      remote_addr=request.remote_addr or "")
    session.commit()
    return send_object(runtime().store, f"{view.dossier.package_prefix}/{file.path}", size=file.size,
                       media_type=file.media_type, filename=file.name, sha256=file.sha256)


@bp.get("/archives/<dossier_id>/export")
@roles("archivist")
def export_dossier(dossier_id: str):
    session, user = db_session(), api_user()
    view = access.view_dossier(session, user, dossier_id)
    access.log_access(session, user, view, action="export", purpose=request.args.get("purpose", "移交/导出"),
                      remote_addr=request.remote_addr or "")
    view.dossier.events.append(DossierEvent(action="exported", actor=user.username, detail={"via": "api"}))
    session.commit()
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    export_zip(runtime().store, view.dossier, spool)
    size = spool.tell()
    spool.seek(0)

    def chunks():
        with spool:
            while chunk := spool.read(256 * 1024):
                yield chunk

    name = bag_folder_name(view.dossier) + ".zip"
    return Response(stream_with_context(chunks()), mimetype="application/zip", headers={
        "Content-Length": str(size), "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/me/access-ledger")
def my_access_ledger():
    page, per_page = paging()
    total, rows = access.access_ledger(db_session(), api_user(), page=page, per_page=per_page)
    return {"total": total, "page": page, "per_page": per_page, "items": [{
        "at": row.at.isoformat(), "role": row.role, "department": row.department_code or None,
        "action": row.action, "dossier_id": row.dossier_id, "file_id": row.file_id,
        "purpose": row.purpose, "application_id": row.application_id} for row in rows]}
