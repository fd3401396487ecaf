"""Applications over the API: the whole intake loop (API.md). Rules live in services.cases."""

from __future__ import annotations

from urllib.parse import unquote

from flask import request

from ...errors import InvalidInput
from ...services.cases import applying, delivery, handling, licences, queries, rating, reads, reuse, review
from ...services.cases.clock import Calendar
from ...services.cases.decisions import AppealBodies
from ...services.cases.views import case_detail, case_summary
from ...web import resumable as uploads
from ...web.context import db_session, runtime
from ...web.notices import notice_response
from ...web.ranges import send_stored
from . import reuse_schemas as rs
from . import schemas as s
from .access import api_user
from .endpoint import CHUNK, FILE, UPLOAD, Media, endpoint

UPLOADS = (403, 409, 413, 415, 422)
DOWNLOAD = {
    200: Media(FILE, "The whole file"),
    206: Media(FILE, "The requested range"),
    416: Media(description="Range not satisfiable"),
}


def _case(app_id: str):
    return queries.get_case(db_session(), api_user(), app_id)


def _detail(app, status: int = 200):
    session = db_session()
    session.commit()
    return case_detail(app, api_user(), Calendar.load(session)), status


def _upload_source(headers: s.UploadName):
    """The upload stream and its name: multipart field ``file`` or the raw body with X-Filename."""
    if request.mimetype == "multipart/form-data":
        file = request.files.get("file")
        if file is None:
            raise InvalidInput("缺少 multipart 字段 file (missing multipart field 'file')", {"field": "file"})
        return file.stream, file.filename or ""
    if request.content_length == 0:
        raise InvalidInput("文件为空 (the body is empty)")
    return request.stream, unquote(headers.x_filename)


def _uploaded(material, slot: str) -> dict:
    return {
        "file_id": material.id,
        "slot": slot,
        "name": material.filename,
        "sha256": material.sha256,
        "size": material.size,
        "media_type": material.media_type,
        "pages": material.pages,
    }


@endpoint(
    "POST",
    "/applications",
    body=s.CreateApplication,
    responses={201: s.Created},
    errors=(403, 404),
    summary="Create a draft (applicant; clerk for a walk-in applicant, whose details are then required)",
)
def create_application(body: s.CreateApplication):
    applicant = body.applicant.model_dump() if body.applicant is not None else None
    app = applying.create_draft(
        db_session(),
        api_user(),
        body.service_code,
        applicant,
        body.form,
        township=body.township,
        townships=runtime().settings.townships,
    )
    db_session().commit()
    return {"id": app.id, "status": app.status}, 201


@endpoint(
    "GET",
    "/applications",
    query=s.CaseQuery,
    responses={200: s.CaseList},
    errors=(403,),
    summary="Work queues: clerks and supervisors see all, officers their department's, applicants their own",
)
def list_applications(query: s.CaseQuery):
    session = db_session()
    total, rows = queries.list_cases(
        session,
        api_user(),
        status=query.status or None,
        service=query.service or None,
        overdue=query.overdue,
        page=query.page,
        per_page=query.per_page,
        township=query.township or None,
    )
    calendar = Calendar.load(session)
    return {
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
        "items": [case_summary(a, calendar) for a in rows],
    }


@endpoint(
    "GET",
    "/applications/<app_id>",
    responses={200: s.Case},
    summary="Status, materials, events, notices (the owner and staff in scope)",
)
def get_application(app_id: str):
    return _detail(_case(app_id))


@endpoint(
    "PATCH",
    "/applications/<app_id>",
    body=s.UpdateForm,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Save form fields and the township of a draft (save and resume later)",
)
def update_application(app_id: str, body: s.UpdateForm):
    app = _case(app_id)
    applying.update_form(
        db_session(), api_user(), app, body.form, township=body.township, townships=runtime().settings.townships
    )
    return _detail(app)


@endpoint(
    "PUT",
    "/applications/<app_id>/materials/<slot>",
    body=UPLOAD,
    headers=s.UploadName,
    responses={201: s.Uploaded},
    errors=UPLOADS,
    summary="Upload one material into its slot (applicant, clerk); it replaces the slot's previous file",
)
def upload_material(app_id: str, slot: str, headers: s.UploadName):
    app = _case(app_id)
    stream, filename = _upload_source(headers)
    material = applying.upload_material(db_session(), runtime(), api_user(), app, slot, stream, filename)
    db_session().commit()
    return _uploaded(material, slot), 201


@endpoint(
    "GET",
    "/applications/<app_id>/files/<file_id>",
    headers=s.RangeHeader,
    responses=DOWNLOAD,
    summary="A material's bytes, any version (supports Range)",
)
def download_material(app_id: str, file_id: str):
    material = reads.read_material(
        db_session(), api_user(), _case(app_id), file_id, remote_addr=request.remote_addr or ""
    )
    db_session().commit()
    return send_stored(runtime(), db_session(), material.object_id, filename=material.filename, sha256=material.sha256)


@endpoint(
    "GET",
    "/applications/<app_id>/reusable",
    responses={200: rs.Reusable},
    errors=(403,),
    summary="Archived materials of the same applicant that fit this application's slots and are still valid",
)
def reusable_materials(app_id: str):
    return {"slots": reuse.reusable(db_session(), api_user(), _case(app_id))}


@endpoint(
    "POST",
    "/applications/<app_id>/materials/<slot>/reuse",
    body=s.Reuse,
    responses={201: rs.ReusedMaterial},
    errors=(403, 409),
    summary="Attach an archived file without a new upload. The call is the consent: in the applicant's own "
    "online application only the applicant may make it (a clerk gets 403); at the window a clerk records the "
    "consent the applicant gives in person, under the clerk's name",
)
def reuse_material(app_id: str, slot: str, body: s.Reuse):
    app = _case(app_id)
    material = reuse.reuse_material(db_session(), api_user(), app, slot, body.file_id)
    db_session().commit()
    return {
        **_uploaded(material, slot),
        "level": material.level,
        "verified_by": material.verified_by or None,
        "verified_at": material.verified_at.isoformat() if material.verified_at else None,
        "valid_until": material.valid_until.isoformat() if material.valid_until else None,
        "reused_from": {
            "file_id": material.reused_from_file_id,
            "dossier_id": material.reused_from_dossier_id,
            "archival_code": material.source_archival_code or None,
        },
    }, 201


@endpoint(
    "POST",
    "/applications/<app_id>/submit",
    body=s.Submit,
    responses={200: s.Submitted},
    errors=(403, 409),
    summary="Submit; 409 lists every missing required slot; non-key slots may be deferred (容缺) with an undertaking",
)
def submit_application(app_id: str, body: s.Submit):
    app = _case(app_id)
    applying.submit(db_session(), api_user(), app, defer=body.defer, undertaking=body.undertaking)
    db_session().commit()
    return {"id": app.id, "status": app.status, "tracking_number": app.tracking_number, "deferred": list(app.gap_slots)}


@endpoint(
    "POST",
    "/applications/<app_id>/withdraw",
    body=s.Reason,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Withdraw before acceptance (the applicant)",
)
def withdraw_application(app_id: str, body: s.Reason):
    app = _case(app_id)
    applying.withdraw(db_session(), api_user(), app, body.reason)
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/review",
    body=s.Review,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Review at the window (clerk); 'correct' produces ONE notice listing every failed slot, "
    "'reject' archives the case",
)
def review_application(app_id: str, body: s.Review):
    app = _case(app_id)
    verdicts = [v.model_dump() for v in body.verdicts] if body.verdicts is not None else None
    review.review(
        db_session(),
        runtime(),
        api_user(),
        app,
        decision=body.decision,
        verdicts=verdicts,
        note=body.note,
        gap_deadline=body.gap_deadline,
        gap_deadlines=body.gap_deadlines,
    )
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/route",
    body=s.Route,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Route to one or more departments (clerk)",
)
def route_application(app_id: str, body: s.Route):
    app = _case(app_id)
    handling.route(db_session(), api_user(), app, body.departments, body.note)
    return _detail(app)


@endpoint(
    "PUT",
    "/applications/<app_id>/results/<name>",
    query=rs.LicenceQuery,
    body=UPLOAD,
    headers=s.UploadName,
    responses={201: rs.ResultFiled},
    errors=UPLOADS,
    summary="Upload a result document (an officer of a routed department); with licence_type and "
    "licence_number it is filed as the applicant's e-licence (电子证照), valid until valid_until",
)
def upload_result(app_id: str, name: str, query: rs.LicenceQuery, headers: s.UploadName):
    app = _case(app_id)
    stream, filename = _upload_source(headers)
    result = handling.upload_result(
        db_session(), runtime(), api_user(), app, unquote(name), stream, filename, licence=query.facts()
    )
    db_session().commit()
    issued = licences.of_results(db_session(), app).get(result.id)
    return {
        "id": result.id,
        "name": result.name,
        "sha256": result.sha256,
        "size": result.size,
        "media_type": result.media_type,
        "licence": licences.licence_json(issued) if issued is not None else None,
    }, 201


@endpoint(
    "GET",
    "/applications/<app_id>/results/<result_id>",
    headers=s.RangeHeader,
    responses=DOWNLOAD,
    errors=(403,),
    summary="A result document's bytes (the applicant once the case is completed)",
)
def download_result(app_id: str, result_id: str):
    result = reads.read_result(
        db_session(), api_user(), _case(app_id), result_id, remote_addr=request.remote_addr or ""
    )
    db_session().commit()
    return send_stored(runtime(), db_session(), result.object_id, filename=result.filename, sha256=result.sha256)


@endpoint(
    "POST",
    "/applications/<app_id>/decision",
    body=s.Decision,
    responses={200: s.Case},
    errors=(403, 409),
    summary="A routed department decides its part; the case is decided when every part is "
    "(approved, partly_approved or denied); a denied part needs its reasons and yields a 不予许可决定书",
)
def decide_application(app_id: str, body: s.Decision):
    app = _case(app_id)
    appeal = AppealBodies.of(runtime().settings)
    handling.decide(db_session(), api_user(), app, body.outcome, body.note, appeal=appeal)
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/delivery",
    body=s.DeliveryRequest,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Record how and when the result reached the applicant (送达: window, post, electronic), "
    "after the decision and before completion (clerk, officer of a routed department)",
)
def deliver_result(app_id: str, body: s.DeliveryRequest):
    app = _case(app_id)
    delivery.deliver(db_session(), api_user(), app, body.method, body.date, body.note)
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/complete",
    body=s.NoteBody,
    responses={200: s.Case},
    errors=(403, 409),
    summary="Complete the case and seal its dossier into the archive (officer, clerk)",
)
def complete_application(app_id: str, body: s.NoteBody):
    app = _case(app_id)
    handling.complete(db_session(), runtime(), api_user(), app, body.note)
    return _detail(app)


@endpoint(
    "POST",
    "/applications/<app_id>/rating",
    body=s.RatingRequest,
    responses={201: s.Rated},
    errors=(403, 409),
    summary="Rate the service 1-5 after completion (好差评); a low score opens a follow-up",
)
def rate_application(app_id: str, body: s.RatingRequest):
    app = _case(app_id)
    row = rating.rate(db_session(), api_user(), app, body.score, body.comment)
    db_session().commit()
    return {"score": row.score, "comment": row.comment, "follow_up": row.follow_up_status or None}, 201


@endpoint(
    "POST",
    "/applications/<app_id>/rating/follow-up",
    body=s.NoteBody,
    responses={200: s.Case},
    errors=(403, 409),
    summary="The supervisor closes the follow-up of a low rating with what was done",
)
def close_follow_up(app_id: str, body: s.NoteBody):
    app = _case(app_id)
    rating.close_follow_up(db_session(), api_user(), app, body.note)
    return _detail(app)


@endpoint(
    "GET",
    "/applications/<app_id>/notices/<notice_id>.pdf",
    responses={200: Media("application/pdf")},
    summary="A notice (受理通知书, 一次性告知书 …) as PDF",
)
def download_notice(app_id: str, notice_id: str):
    app = _case(app_id)
    reads.read_notice(db_session(), api_user(), app, notice_id, remote_addr=request.remote_addr or "")
    db_session().commit()
    return notice_response(app, notice_id)


@endpoint(
    "GET",
    "/track/<tracking_number>",
    public=True,
    query=s.TrackQuery,
    responses={200: s.PublicStatus},
    errors=(429,),
    summary="Public status lookup that reveals no personal data",
)
def track(tracking_number: str, query: s.TrackQuery):
    # Most lookups are answered beneath Flask (server/web/public_lane.py), with this same answer.
    return queries.public_track(db_session(), tracking_number, query.phone_last4 or "")


@endpoint(
    "POST",
    "/applications/<app_id>/uploads",
    body=s.StartUpload,
    responses={201: s.Upload},
    errors=(403, 409),
    summary="Start a resumable upload (weak connections): declare slot, filename, size",
)
def start_upload(app_id: str, body: s.StartUpload):
    return uploads.start(api_user(), app_id, body.slot, body.filename, body.size)


@endpoint(
    "GET",
    "/uploads/<upload_id>",
    responses={200: s.Upload},
    summary="A resumable upload's state: how many bytes the server has",
)
def upload_status(upload_id: str):
    """Where to resume: the number of bytes the server already has."""
    return uploads.status(api_user(), upload_id)


@endpoint(
    "PATCH",
    "/uploads/<upload_id>",
    body=CHUNK,
    headers=s.UploadOffset,
    responses={200: s.Upload, 201: s.Upload},
    errors=UPLOADS,
    summary="Append bytes at Upload-Offset; 201 when the last chunk files the material",
)
def append_upload(upload_id: str, headers: s.UploadOffset):
    return uploads.append(api_user(), upload_id, headers.upload_offset, request.stream)
