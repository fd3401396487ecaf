"""Behind the window: routing to departments, their decisions and result documents, completion."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import IO, Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput
from ...models import (
    Application,
    CasePart,
    Department,
    Licence,
    MaterialSlot,
    ResultFile,
    StoredObject,
    User,
    new_id,
    utcnow,
)
from ...runtime import Runtime
from ...vocabulary import (
    EventAction,
    FiledType,
    MaterialClass,
    NoticeKind,
    PartStatus,
    Status,
    VerificationLevel,
)
from ..archive.archival_copies import archival_copy
from ..archive.object_facts import known, request_facts
from ..archive.seal import SealFile, SealRequest, seal_dossier
from ..filenames import clean, display_name
from ..object_keys import result_key
from . import archiving_scope, events, gaps, licences, policy
from .decisions import DEFAULT_APPEAL, AppealBodies, case_outcome, issue_denial, part_json
from .delivery import delivery_json
from .licences import LicenceFacts
from .notices import notice_pdf
from .uploads import store_upload

RESULT_FORMATS = ["pdf", "ofd", "jpg", "png"]
RESULT_MAX_BYTES = 100 * 1024 * 1024


def route(session: Session, user: User, app: Application, department_codes: list[str], note: str = "") -> Application:
    policy.require(user, app, policy.Action.ROUTE)
    if not isinstance(department_codes, list) or not department_codes:
        raise InvalidInput("请指定至少一个承办部门 (name at least one department)", {"field": "departments"})
    departments = list(session.scalars(select(Department).where(Department.code.in_(department_codes))))
    unknown = sorted(set(department_codes) - {d.code for d in departments})
    if unknown:
        raise InvalidInput(f"没有这些部门：{', '.join(unknown)} (unknown departments)", {"unknown": unknown})
    for department in departments:
        app.parts.append(CasePart(department=department))
    events.transition(
        session,
        app,
        user,
        EventAction.ROUTE,
        Status.IN_PROGRESS,
        note=note,
        data={"departments": sorted(d.code for d in departments)},
    )
    return app


def _my_part(user: User, app: Application) -> CasePart:
    return next(p for p in app.parts if p.department_id == user.department_id)


def decide(
    session: Session,
    user: User,
    app: Application,
    outcome: str,
    note: str = "",
    *,
    appeal: AppealBodies = DEFAULT_APPEAL,
) -> Application:
    """Each routed department decides its part; the case is decided when every part is (decisions.py)."""
    policy.require_access(user, app, policy.Action.DECIDE)
    if outcome not in (PartStatus.APPROVED, PartStatus.DENIED):
        raise InvalidInput("outcome 须为 approved 或 denied (outcome must be approved or denied)")
    unsettled = gaps.unsettled(app)
    if unsettled:
        raise Conflict(
            "容缺材料尚未补齐或尚未核验，不能作出决定 (materials accepted with a gap have not arrived or not been "
            "reviewed yet)",
            {"gap_slots": unsettled},
        )
    if outcome == PartStatus.DENIED and not note.strip():
        raise InvalidInput("不予许可须说明理由 (a denial needs a reason in note)", {"field": "note"})
    policy.require_not_done(user, app, policy.Action.DECIDE)
    part = _my_part(user, app)
    assert user.department is not None  # the rule lets only an officer of a routed department decide
    part.status, part.note, part.decided_by, part.decided_at = PartStatus(outcome), note, user.display_name, utcnow()
    data = {"department": user.department.code, "outcome": outcome}
    if any(p.status == PartStatus.PENDING for p in app.parts):
        events.record(session, app, user, EventAction.DECIDE_PART, note=note, data=data)
        return app
    final = case_outcome(app.parts)
    app.outcome, app.decided_at = final, utcnow()
    events.transition(
        session,
        app,
        user,
        EventAction.DECIDE,
        final,
        note=note,
        data={**data, "parts": {p.department.code: p.status for p in app.parts}},
    )
    issue_denial(session, app, user, appeal)
    return app


def upload_result(
    session: Session,
    runtime: Runtime,
    user: User,
    app: Application,
    name: str,
    stream: IO[bytes],
    filename: str,
    *,
    licence: LicenceFacts | None = None,
) -> ResultFile:
    """A result document; with ``licence``, filed as the applicant's e-licence (licences.py)."""
    policy.require(user, app, policy.Action.UPLOAD_RESULT)
    assert user.department is not None  # the rule lets only an officer of a routed department upload results
    name = clean(name)
    if not name or len(name) > 200:
        raise InvalidInput("结果文件名称须为1至200个字符 (the result name must be 1 to 200 characters)")
    existing = next((r for r in app.results if r.name == name), None)
    replacing = existing.id if existing is not None else None
    checked = licences.check(session, licence, replacing=replacing) if licence is not None else None
    result_id = new_id()
    upload = store_upload(
        runtime, result_key(app.id, result_id), stream, formats=RESULT_FORMATS, max_bytes=RESULT_MAX_BYTES
    )
    session.add(upload.stored)
    session.flush()
    request_facts(session, upload.stored, display_name(filename, name))
    if existing is not None:
        app.results.remove(existing)
        session.flush()
    result = ResultFile(
        id=result_id,
        name=name,
        filename=display_name(filename, name),
        department_code=user.department.code,
        object_id=upload.stored.id,
        media_type=upload.media_type,
        size=upload.stored.size,
        sha256=upload.stored.sha256,
        uploaded_by=user.display_name,
    )
    app.results.append(result)
    data: dict[str, Any] = {"name": name, "sha256": result.sha256, "replaced": existing is not None}
    licences.forget_result(session, replacing)
    if checked is not None:
        issued = licences.issue(session, user, app, result, checked)
        data["licence"] = {"type": issued.licence_type, "number": issued.number}
    events.record(session, app, user, EventAction.UPLOAD_RESULT, data=data)
    return result


def complete(session: Session, runtime: Runtime, user: User, app: Application, note: str = "") -> Application:
    """Completes the case and seals its dossier (一事一档) in the same transaction."""
    policy.require(user, app, policy.Action.COMPLETE)
    if app.outcome in (Status.APPROVED, Status.PARTLY_APPROVED) and not app.results:
        raise Conflict("准予许可的办件须先上传结果文件 (an approved case needs its result documents first)")
    app.completed_at = utcnow()
    events.transition(session, app, user, EventAction.COMPLETE, Status.COMPLETED, note=note)
    archive_case(session, runtime, user, app)
    events.transition(session, app, user, EventAction.ARCHIVE, Status.ARCHIVED, data={"dossier_id": app.dossier_id})
    return app


def archive_case(session: Session, runtime: Runtime, user: User | None, app: Application) -> None:
    """Seals the case's materials, notices, results and full history as a dossier (``user`` None: the system,
    when a deadline closed the case)."""
    scope = archiving_scope.scope_files(app)
    files = scope[:1] + _seal_files(session, runtime, app) + scope[1:]
    history = [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "actor": e.actor_name,
            "role": e.actor_role,
            "action": e.action,
            "note": e.note,
            "before": e.before,
            "after": e.after,
            "data": e.data,
        }
        for e in app.events
    ]
    dossier = seal_dossier(
        session,
        runtime,
        SealRequest(
            title=f"{app.applicant_name}{app.service.name}",
            service=app.service,
            files=files,
            opened_at=app.created_at,
            closed_at=app.completed_at or utcnow(),
            sealed_by=user.display_name if user else events.SYSTEM_NAME,
            departments=[p.department.code for p in app.parts],
            applicant_name=app.applicant_name,
            applicant_id_number=app.applicant_id_number,
            application_id=app.id,
            tracking_number=app.tracking_number or "",
            outcome=app.outcome,
            parts=[part_json(p) for p in app.parts],
            delivery=delivery_json(app),
            township=app.township,
            events=history,
            **archiving_scope.case_facts(app),
        ),
    )
    app.dossier_id = dossier.id
    licences.filed(session, dossier)


def _seal_files(session: Session, runtime: Runtime, app: Application) -> list[SealFile]:
    """The case's current materials (oldest first), its notices as PDFs and its results, to be sealed."""
    slots: dict[str, MaterialSlot] = {s.slot: s for s in app.service.materials}
    files: list[SealFile] = []
    for material in sorted((m for m in app.materials if m.current), key=lambda m: m.uploaded_at):
        slot = slots.get(material.slot)
        stored = session.get(StoredObject, material.object_id)
        assert stored is not None  # every material's object is recorded with it
        files.append(
            SealFile(
                name=material.filename,
                open=partial(runtime.store.open, stored.key),
                source_key=stored.key,
                media_type=material.media_type,
                material_type=slot.material_type.code if slot else "",
                material_type_name=slot.material_type.name if slot else "",
                material_class=slot.material_class if slot else MaterialClass.BASIS,
                pages=material.pages,
                expected_sha256=material.sha256,
                known=known(stored, material.filename, material.media_type),
                shared=bool(slot and slot.material_type.shared),
                level=material.level,
                valid_until=material.valid_until,
                verified_by=material.verified_by,
                verified_at=material.verified_at,
            )
        )
    files = [archival_copy(f) for f in files]  # HEIC photos are archived as JPEG
    for notice in app.notices:
        data = notice_pdf(app, notice)
        filed = NoticeKind(notice.kind).filed_type
        files.append(
            SealFile(
                name=f"{notice.number}.pdf",
                open=partial(io.BytesIO, data),
                media_type="application/pdf",
                material_type=filed,
                material_type_name=filed.label,
                material_class=MaterialClass.PROCEDURE,
                pages=1,
            )
        )
    issued = licences.of_results(session, app)
    for result in app.results:
        stored = session.get(StoredObject, result.object_id)
        assert stored is not None  # every result's object is recorded with it
        files.append(_result_file(result, partial(runtime.store.open, stored.key), issued.get(result.id)))
        files[-1].source_key = stored.key
        files[-1].known = known(stored, result.filename, result.media_type)
    return files


def _result_file(result: ResultFile, opener: Callable[[], BinaryIO], licence: Licence | None) -> SealFile:
    """A result as filed: an e-licence under its own material type at level ``issued``, else a plain result."""
    spec = SealFile(
        name=result.filename,
        open=opener,
        media_type=result.media_type,
        material_type=FiledType.RESULT,
        material_type_name=result.name,
        material_class=MaterialClass.RESULT,
        expected_sha256=result.sha256,
        shared=True,
    )
    if licence is not None:
        spec.material_type, spec.material_type_name = licence.licence_type, licence.licence_type_name
        spec.level, spec.licence_id, spec.licence = VerificationLevel.ISSUED, licence.id, licences.seal_facts(licence)
        spec.verified_by, spec.verified_at = licence.department_name, licence.issued_at
        spec.valid_until = licences.valid_until(licence)
    return spec
