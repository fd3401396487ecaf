"""The archive over the API: search, dossier detail, file reads (logged), export, access ledger."""

from __future__ import annotations

import tempfile

from flask import Response, request, stream_with_context

from ...services.archive import access
from ...services.archive import export as archive_export
from ...services.archive import search as archive_search
from ...services.archive.views import dossier_json, hit_json
from ...web.context import db_session, runtime
from ...web.ranges import send_archived
from . import schemas as s
from .access import api_user
from .endpoint import FILE, Media, endpoint


@endpoint(
    "GET",
    "/archives",
    roles=access.SEARCH_ROLES,
    query=s.SearchQuery,
    responses={200: s.SearchResult},
    summary="Full-text and metadata search over dossiers, within the caller's scope",
)
def search_archives(query: s.SearchQuery):
    """Officers see their department's dossiers whole and shared material types of others; archivists see all.
    Terms in q are ANDed; Chinese is matched without spaces. Only the first 10,000 results can be paged through."""
    result = archive_search.search(
        db_session(), runtime().index, api_user(), query.params(), page=query.page, per_page=query.per_page
    )
    return {
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "hits": [hit_json(hit) for hit in result.hits],
        "facets": result.facets,
    }


@endpoint(
    "GET",
    "/archives/<dossier_id>",
    responses={200: s.Dossier},
    summary="Dossier metadata, files with digests, event history (what the caller may see)",
)
def get_dossier(dossier_id: str):
    view = access.view_dossier(db_session(), api_user(), dossier_id)
    return dossier_json(view)


@endpoint(
    "GET",
    "/archives/<dossier_id>/files/<file_id>",
    query=s.Purpose,
    headers=s.RangeHeader,
    responses={
        200: Media(FILE, "The whole file"),
        206: Media(FILE, "The requested range"),
        416: Media(description="Range not satisfiable"),
    },
    errors=(507,),
    summary="An archived file's bytes (supports Range); every read is logged with who, when and purpose",
)
def get_archived_file(dossier_id: str, file_id: str, query: s.Purpose):
    session = db_session()
    read = access.read_file(
        session, api_user(), dossier_id, file_id, purpose=query.purpose, remote_addr=request.remote_addr or ""
    )
    session.commit()
    return send_archived(runtime().store, read)


@endpoint(
    "GET",
    "/archives/<dossier_id>/export",
    roles=("archivist",),
    query=s.ExportPurpose,
    responses={200: Media("application/zip", "The BagIt bag")},
    errors=(507,),
    summary="The dossier as a BagIt bag in a zip (archivists)",
)
def export_dossier(dossier_id: str, query: s.ExportPurpose):
    session, user = db_session(), api_user()
    view = access.view_dossier(session, user, dossier_id)
    access.log_access(
        session, user, view, action="export", purpose=query.purpose, remote_addr=request.remote_addr or ""
    )
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - closed by chunks() below
    archive_export.export_dossier(
        session, runtime().store, view.dossier, spool, actor=user.username, detail={"via": "api"}
    )
    session.commit()
    size = spool.tell()
    spool.seek(0)

    def chunks():
        with spool:
            while chunk := spool.read(256 * 1024):
                yield chunk

    name = archive_export.bag_folder_name(view.dossier) + ".zip"
    return Response(
        stream_with_context(chunks()),
        mimetype="application/zip",
        headers={"Content-Length": str(size), "Content-Disposition": f'attachment; filename="{name}"'},
    )


@endpoint(
    "GET",
    "/me/access-ledger",
    query=s.Paging,
    responses={200: s.Ledger},
    errors=(403,),
    summary="Every read of the applicant's archived files by anyone else (applicants)",
)
def my_access_ledger(query: s.Paging):
    total, rows = access.access_ledger(db_session(), api_user(), page=query.page, per_page=query.per_page)
    return {
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
        "items": [
            {
                "at": row.at.isoformat(),
                "role": row.role,
                "department": row.department_code or None,
                "action": row.action,
                "dossier_id": row.dossier_id,
                "file_id": row.file_id,
                "purpose": row.purpose,
                "application_id": row.application_id,
            }
            for row in rows
        ],
    }
