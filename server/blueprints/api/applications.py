"""Applications over the API: the whole intake loop (API.md). Rules live in services.cases."""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote

from flask import Response, request

from ...errors import InvalidInput
from ...services.cases import applying, handling, queries, rating, resumable, review
from ...services.cases.clock import Calendar
from ...services.cases.notices import notice_pdf
from ...services.cases.views import case_detail, case_summary, public_status
from ...web.context import db_session, runtime
from ...web.paging import paging
from ...web.ranges import send_stored
from . import bp
from .access import api_user


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise InvalidInput("请求体须为 JSON 对象 (the request body must be a JSON object)")
    return body


def _case(app_id: str):
    return queries.get_case(db_session(), api_user(), app_id)


def _detail(app, status: int = 200):
    session = db_session()
    session.commit()
    return case_detail(app, api_user(), Calendar.load(session)), status


def _upload_source():
    """The upload stream and its name: multipart field ``file`` or the raw body with X-Filename."""
    if request.mimetype == "multipart/form-data":
        file = request.files.get("file")
        if file is None:
            raise InvalidInput("缺少 multipart 字段 file (missing multipart field 'file')", {"field": "file"})
        return file.stream, file.filename or ""
    if request.content_length == 0:
        raise InvalidInput("文件为空 (the body is empty)")
    return request.stream, unquote(request.headers.get("X-Filename", ""))


@bp.post("/applications")
def create_application():
    body = _body()
    if not body.get("service_code"):
        raise InvalidInput("缺少 service_code (service_code is required)", {"field": "service_code"})
    app = applying.create_draft(db_session(), api_user(), str(body["service_code"]), body.get("applicant"),
                                body.get("form"))
    db_session().commit()
    return {"id": app.id, "status": app.status}, 201


@bp.get("/applications")
def list_applications():
    page, per_page = paging()
    overdue = request.args.get("overdue")
    overdue_flag = None if overdue in (None, "") else overdue.lower() in ("1", "true", "yes")
    session = db_session()
    total, rows = queries.list_cases(session, api_user(), status=request.args.get("status"),
                                     service=request.args.get("service"), overdue=overdue_flag,
                                     page=page, per_page=per_page)
    calendar = Calendar.load(session)
    return {"total": total, "page": page, "per_page": per_page, "items": [case_summary(a, calendar) for a in rows]}


@bp.get("/applications/<app_id>")
def get_application(app_id: str):
    return _detail(_case(app_id))


@bp.patch("/applications/<app_id>")
def update_application(app_id: str):
    app = _case(app_id)
    applying.update_form(db_session(), api_user(), app, _body().get("form"))
    return _detail(app)


@bp.put("/applications/<app_id>/materials/<slot>")
def upload_material(app_id: str, slot: str):
    app = _case(app_id)
    stream, filename = _upload_source()
    material = applying.upload_material(db_session(), runtime(), api_user(), app, slot, stream, filename)
    db_session().commit()
    return {"file_id": material.id, "slot": slot, "name": material.filename, "sha256": material.sha256,
            "size": material.size, "media_type": material.media_type, "pages": material.pages}, 201


@bp.get("/applications/<app_id>/files/<file_id>")
def download_material(app_id: str, file_id: str):
    material = queries.material_of(_case(app_id), file_id)
    return send_stored(runtime(), db_session(), material.object_id, filename=material.filename,
                       sha256=material.sha256)


@bp.get("/applications/<app_id>/reusable")
def reusable_materials(app_id: str):
    return {"slots": applying.reusable(db_session(), api_user(), _case(app_id))}


@bp.post("/applications/<app_id>/materials/<slot>/reuse")
def reuse_material(app_id: str, slot: str):
    body = _body()
    if not body.get("file_id"):
        raise InvalidInput("缺少 file_id (file_id is required)", {"field": "file_id"})
    app = _case(app_id)
    material = applying.reuse_material(db_session(), api_user(), app, slot, str(body["file_id"]))
    db_session().commit()
    return {"file_id": material.id, "slot": slot, "name": material.filename, "sha256": material.sha256,
            "size": material.size, "media_type": material.media_type, "pages": material.pages,
            "reused_from": {"file_id": material.reused_from_file_id, "dossier_id": material.reused_from_dossier_id}}, 201


@bp.post("/applications/<app_id>/submit")
def submit_application(app_id: str):
    body = _body()
    app = _case(app_id)
    applying.submit(db_session(), api_user(), app, defer=body.get("defer") or [],
                    undertaking=str(body.get("undertaking") or ""))
    db_session().commit()
    return {"id": app.id, "status": app.status, "tracking_number": app.tracking_number,
            "deferred": list(app.gap_slots)}


@bp.post("/applications/<app_id>/withdraw")
def withdraw_application(app_id: str):
    app = _case(app_id)
    applying.withdraw(db_session(), api_user(), app, str(_body().get("reason") or ""))
    return _detail(app)


@bp.post("/applications/<app_id>/review")
def review_application(app_id: str):
    body = _body()
    gap_deadline = None
    if body.get("gap_deadline"):
        try:
            gap_deadline = date.fromisoformat(str(body["gap_deadline"]))
        except ValueError:
            raise InvalidInput("gap_deadline 须为日期 YYYY-MM-DD (gap_deadline must be a date)") from None
    app = _case(app_id)
    review.review(db_session(), runtime(), api_user(), app, decision=str(body.get("decision", "")),
                  verdicts=body.get("verdicts"), note=str(body.get("note") or ""), gap_deadline=gap_deadline)
    return _detail(app)


@bp.post("/applications/<app_id>/route")
def route_application(app_id: str):
    body = _body()
    app = _case(app_id)
    handling.route(db_session(), api_user(), app, body.get("departments"), str(body.get("note") or ""))
    return _detail(app)


@bp.put("/applications/<app_id>/results/<name>")
def upload_result(app_id: str, name: str):
    app = _case(app_id)
    stream, filename = _upload_source()
    result = handling.upload_result(db_session(), runtime(), api_user(), app, unquote(name), stream, filename)
    db_session().commit()
    return {"id": result.id, "name": result.name, "sha256": result.sha256, "size": result.size,
            "media_type": result.media_type}, 201


@bp.get("/applications/<app_id>/results/<result_id>")
def download_result(app_id: str, result_id: str):
    result = queries.result_of(api_user(), _case(app_id), result_id)
    return send_stored(runtime(), db_session(), result.object_id, filename=result.filename, sha256=result.sha256)


@bp.post("/applications/<app_id>/decision")
def decide_application(app_id: str):
    body = _body()
    app = _case(app_id)
    handling.decide(db_session(), api_user(), app, str(body.get("outcome", "")), str(body.get("note") or ""))
    return _detail(app)


@bp.post("/applications/<app_id>/complete")
def complete_application(app_id: str):
    app = _case(app_id)
    handling.complete(db_session(), runtime(), api_user(), app, str(_body().get("note") or ""))
    return _detail(app)


@bp.post("/applications/<app_id>/rating")
def rate_application(app_id: str):
    body = _body()
    app = _case(app_id)
    row = rating.rate(db_session(), api_user(), app, body.get("score"), str(body.get("comment") or ""))
    db_session().commit()
    return {"score": row.score, "comment": row.comment, "follow_up": row.follow_up_status or None}, 201


@bp.post("/applications/<app_id>/rating/follow-up")
def close_follow_up(app_id: str):
    app = _case(app_id)
    rating.close_follow_up(db_session(), api_user(), app, str(_body().get("note") or ""))
    return _detail(app)


@bp.get("/applications/<app_id>/notices/<notice_id>.pdf")
def download_notice(app_id: str, notice_id: str):
    app = _case(app_id)
    notice = queries.notice_of(app, notice_id)
    return Response(notice_pdf(app, notice), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{notice.number}.pdf"'})


@bp.get("/track/<tracking_number>")
def track(tracking_number: str):
    session = db_session()
    app = queries.track(session, tracking_number, request.args.get("phone_last4", ""))
    return public_status(app, Calendar.load(session))


@bp.post("/applications/<app_id>/uploads")
def start_upload(app_id: str):
    """Resumable upload, step 1: declare slot, filename and size."""
    body = _body()
    app = _case(app_id)
    upload = resumable.start(db_session(), runtime(), api_user(), app, str(body.get("slot", "")),
                             str(body.get("filename") or ""), body.get("size"))
    db_session().commit()
    return resumable.status_json(upload), 201


@bp.get("/uploads/<upload_id>")
def upload_status(upload_id: str):
    """Where to resume: the number of bytes the server already has."""
    return resumable.status_json(resumable.get(db_session(), api_user(), upload_id))


@bp.patch("/uploads/<upload_id>")
def append_upload(upload_id: str):
    """Resumable upload, step 2: send bytes from Upload-Offset; the last chunk files the material."""
    offset = resumable.parse_offset(request.headers.get("Upload-Offset"))
    upload, material = resumable.append(db_session(), runtime(), api_user(), upload_id, offset, request.stream)
    db_session().commit()
    return resumable.status_json(upload, material), 201 if material is not None else 200
