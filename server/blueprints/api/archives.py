"""The archive over the API: search, dossier detail, file reads (logged), export, the access ledger and
officers' access requests."""

from __future__ import annotations

import tempfile

from flask import Response, request, stream_with_context

from ...services.archive import access, access_requests
from ...services.archive import export as archive_export
from ...services.archive import search as archive_search
from ...services.archive.views import dossier_json, hit_json
from ...vocabulary import AccessAction
from ...web.context import db_session, runtime
from ...web.ranges import send_archived
from . import ledger_schemas as ls
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
    session = db_session()
    result = archive_search.search(
        session,
        runtime().index,
        api_user(),
        query.params(),
        page=query.page,
        per_page=query.per_page,
        remote_addr=request.remote_addr or "",
    )
    session.commit()
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
    query=ls.ArchiveRead,
    headers=s.RangeHeader,
    responses={
        200: Media(FILE, "The whole file"),
        206: Media(FILE, "The requested range"),
        416: Media(description="Range not satisfiable"),
    },
    errors=(403, 507),
    summary="An archived file's bytes (supports Range); every read is logged with who, when, purpose and case",
)
def get_archived_file(dossier_id: str, file_id: str, query: ls.ArchiveRead):
    """An officer reads a shared file of another department's dossier only with ``application_id`` of an open
    case of the same applicant routed to their department, or after the applicant approved their access
    request; otherwise 403 says so."""
    session = db_session()
    read = access.read_file(
        session,
        api_user(),
        dossier_id,
        file_id,
        purpose=query.purpose,
        remote_addr=request.remote_addr or "",
        application_id=query.application_id or None,
    )
    session.commit()
    return send_archived(runtime().store, read)


@endpoint(
    "GET",
    "/archives/<dossier_id>/export",
    roles=("archivist",),
    query=s.ExportPurpose,
    responses={200: Media("application/zip", "The BagIt bag")},
    errors=(409, 507),
    summary="The dossier as a BagIt bag in a zip (archivists), after its DA/T 70 check (409 when it fails)",
)
def export_dossier(dossier_id: str, query: s.ExportPurpose):
    session, user = db_session(), api_user()
    view = access.view_dossier(session, user, dossier_id)
    access.log_access(
        session, user, view, action=AccessAction.EXPORT, purpose=query.purpose, remote_addr=request.remote_addr or ""
    )
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - closed by chunks() below
    archive_export.export_dossier(
        session, runtime().store, view.dossier, spool, actor=user.username, detail={"via": "api"}, runtime=runtime()
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
    responses={200: ls.Ledger},
    errors=(403,),
    summary="Every read of the applicant's files (archived and in their cases) by anyone else (applicants)",
)
def my_access_ledger(query: s.Paging):
    """Newest first: file name, department, role, purpose, the case it was for, and its place in the hash chain."""
    total, lines = access.access_ledger(db_session(), api_user(), page=query.page, per_page=query.per_page)
    return {
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
        "items": [
            {
                "seq": line.entry.seq,
                "at": line.entry.at.isoformat(),
                "role": line.entry.role,
                "department": line.entry.department_code or None,
                "department_name": line.department_name or None,
                "action": line.entry.action,
                "dossier_id": line.entry.dossier_id,
                "file_id": line.entry.file_id,
                "file_name": line.entry.file_name,
                "purpose": line.entry.purpose,
                "application_id": line.entry.application_id,
                "tracking_number": line.case_number,
                "access_request_id": (line.entry.detail or {}).get("access_request_id"),
            }
            for line in lines
        ],
    }


def _request_json(row) -> dict:
    return {
        "id": row.id,
        "dossier_id": row.dossier_id,
        "officer": row.officer_name,
        "department": row.department_code,
        "department_name": row.department_name,
        "purpose": row.purpose,
        "status": row.status,
        "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }


@endpoint(
    "POST",
    "/archives/<dossier_id>/access-requests",
    roles=("officer",),
    body=ls.AccessRequestBody,
    responses={201: ls.AccessRequestOut},
    errors=(409,),
    summary="Ask the applicant to let the caller read the shared files of another department's dossier",
)
def file_access_request(dossier_id: str, body: ls.AccessRequestBody):
    """The request reaches the applicant's inbox; an approval lets the officer read for 7 days. 409 when the
    officer's department reads the dossier anyway, or the applicant has no account to answer with."""
    row = access_requests.file_request(db_session(), api_user(), dossier_id, body.purpose)
    db_session().commit()
    return _request_json(row), 201


@endpoint(
    "GET",
    "/me/access-requests",
    roles=("applicant",),
    query=s.Paging,
    responses={200: ls.AccessRequests},
    summary="Officers' requests to read the applicant's files, pending first (applicants)",
)
def my_access_requests(query: s.Paging):
    total, rows = access_requests.requests_of(db_session(), api_user(), page=query.page, per_page=query.per_page)
    return {"total": total, "page": query.page, "per_page": query.per_page, "items": [_request_json(r) for r in rows]}


def _answer(request_id: str, approve: bool):
    row = access_requests.answer(db_session(), api_user(), request_id, approve=approve)
    db_session().commit()
    return _request_json(row)


@endpoint(
    "POST",
    "/me/access-requests/<request_id>/approve",
    roles=("applicant",),
    responses={200: ls.AccessRequestOut},
    errors=(409,),
    summary="Approve an officer's access request (the applicant it is about): they may read for 7 days",
)
def approve_access_request(request_id: str):
    return _answer(request_id, True)


@endpoint(
    "POST",
    "/me/access-requests/<request_id>/refuse",
    roles=("applicant",),
    responses={200: ls.AccessRequestOut},
    errors=(409,),
    summary="Refuse an officer's access request (the applicant it is about)",
)
def refuse_access_request(request_id: str):
    return _answer(request_id, False)
