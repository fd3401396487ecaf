"""The applicant's side: drafts, uploaded materials, submission, withdrawal (reuse from the archive: reuse.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from sqlalchemy.orm import Session

from ...errors import AppError, Conflict, InvalidInput, NotFound
from ...models import (
    Application,
    Material,
    MaterialSlot,
    User,
    new_id,
    utcnow,
)
from ...runtime import Runtime
from ...vocabulary import Channel, EventAction, Status
from ..accounts import require_valid_person
from ..archive.object_facts import request_facts
from ..catalogue import get_service
from ..filenames import display_name
from ..object_keys import material_key
from . import events, gaps, policy
from .townships import check_township
from .uploads import discard, store_upload


def _applicant_fields(user: User, given: dict[str, Any]) -> dict[str, str]:
    """Applicants apply as themselves; a clerk enters the walk-in applicant's details."""
    if user.role == "applicant":
        fields = {"name": user.display_name, "id_number": user.id_number, "phone": user.phone}
        fields.update({k: str(v).strip() for k, v in given.items() if k in ("phone",) and v})
    else:
        fields = {k: str(given.get(k, "")).strip() for k in ("name", "id_number", "phone")}
    return require_valid_person(**fields, prefix="applicant.")


def create_draft(
    session: Session,
    user: User,
    service_code: str,
    applicant: dict[str, Any] | None,
    form: dict[str, Any] | None,
    *,
    township: str = "",
    townships: Sequence[str] = (),
) -> Application:
    """A draft for ``applicant`` (the user themself, or a walk-in a clerk enters) living in ``township``."""
    policy.require_create(user)
    service = get_service(session, service_code)
    if not service.active:
        raise InvalidInput(f"事项 {service_code} 已停止受理 (service {service_code} is not open for applications)")
    if form is not None and not isinstance(form, dict):
        raise InvalidInput("form 须为 JSON 对象 (form must be a JSON object)")
    person = _applicant_fields(user, applicant or {})
    township = check_township(township, townships)
    app = Application(
        id=new_id(),
        service=service,
        status=Status.DRAFT,
        applicant_name=person["name"],
        applicant_id_number=person["id_number"],
        applicant_phone=person["phone"],
        applicant_user_id=user.id if user.role == "applicant" else None,
        form=form or {},
        created_by_id=user.id,
        channel=Channel.ONLINE if user.role == "applicant" else Channel.WINDOW,
        township=township,
    )
    session.add(app)
    events.record(session, app, user, EventAction.CREATE, before="", note="walk-in" if user.role == "clerk" else "")
    return app


def update_form(
    session: Session,
    user: User,
    app: Application,
    form: dict[str, Any] | None,
    *,
    township: str | None = None,
    townships: Sequence[str] = (),
) -> None:
    """Saves form fields and, when given, the township (``""`` clears it)."""
    policy.require(user, app, policy.Action.EDIT_FORM)
    if form is not None and not isinstance(form, dict):
        raise InvalidInput("form 须为 JSON 对象 (form must be a JSON object)")
    data: dict[str, Any] = {}
    if township is not None:
        app.township = data["township"] = check_township(township, townships)
    app.form = {**app.form, **(form or {})}
    events.record(session, app, user, EventAction.EDIT_FORM, data=data or None)


def slot_of(app: Application, slot_code: str) -> MaterialSlot:
    for slot in app.service.materials:
        if slot.slot == slot_code:
            return slot
    raise NotFound(
        f"事项 {app.service.code} 没有材料项 {slot_code!r} (no slot {slot_code!r})",
        {"slots": [s.slot for s in app.service.materials]},
    )


def current_materials(app: Application) -> dict[str, Material]:
    return {m.slot: m for m in app.materials if m.current}


def attach(
    session: Session, app: Application, material: Material, user: User, action: EventAction, data: dict
) -> Material:
    old = current_materials(app).get(material.slot)
    if old is not None:
        old.current = False
    app.materials.append(material)
    session.add(material)
    if app.status in policy.GAP_OPEN and material.slot in app.gap_slots:
        gaps.material_arrived(session, app, user, material, data)
    else:
        events.record(session, app, user, action, data=data)
    return material


def _end_reads(session: Session) -> bool:
    """Ends a transaction that has only read, so that a body streaming for seconds holds no database
    connection (the pool has fewer than the server has threads) and no snapshot; True if it did."""
    if session.new or session.dirty or session.deleted:
        return False
    session.commit()
    return True


def upload_material(
    session: Session, runtime: Runtime, user: User, app: Application, slot_code: str, stream: IO[bytes], filename: str
) -> Material:
    slot = slot_of(app, slot_code)
    policy.require_add_material(user, app, slot_code)
    material_id = new_id()
    key = material_key(app.id, material_id)
    reads_ended = _end_reads(session)
    upload = store_upload(runtime, key, stream, formats=list(slot.formats), max_bytes=slot.max_bytes)
    if reads_ended:  # the case may have moved on while the bytes streamed
        session.refresh(app)
        try:
            policy.require_add_material(user, app, slot_code)
        except AppError:
            discard(runtime, key)
            raise
    session.add(upload.stored)
    session.flush()
    request_facts(session, upload.stored, display_name(filename, slot.name))
    material = Material(
        id=material_id,
        slot=slot_code,
        filename=display_name(filename, slot.name),
        object_id=upload.stored.id,
        media_type=upload.media_type,
        size=upload.stored.size,
        sha256=upload.stored.sha256,
        pages=upload.pages,
        uploaded_by_id=user.id,
    )
    return attach(
        session,
        app,
        material,
        user,
        EventAction.UPLOAD,
        {"slot": slot_code, "file": material.filename, "sha256": material.sha256, "size": material.size},
    )


def missing_slots(app: Application) -> list[MaterialSlot]:
    have = current_materials(app)
    return [s for s in app.service.materials if s.required and s.slot not in have]


def submit(
    session: Session, user: User, app: Application, *, defer: list[str] | None = None, undertaking: str = ""
) -> Application:
    """Everything required must be there, except non-key items the applicant undertakes to bring (容缺)."""
    policy.require(user, app, policy.Action.SUBMIT)
    defer = list(defer or [])
    missing = missing_slots(app)
    slots = {s.slot: s for s in app.service.materials}
    not_deferrable = [s for s in defer if s not in slots or slots[s].key]
    if not_deferrable:
        raise InvalidInput("必要材料不能容缺 (key materials cannot be deferred)", {"slots": not_deferrable})
    still_missing = [s for s in missing if s.slot not in defer]
    if still_missing:
        raise Conflict(
            "材料不齐全，请补充以下材料后再提交 (required materials are missing)",
            {
                "missing": [
                    {"slot": s.slot, "name": s.name, "key": s.key, "may_defer": not s.key} for s in still_missing
                ]
            },
        )
    if defer and not undertaking.strip():
        raise InvalidInput(
            "容缺提交须填写承诺 (deferring materials needs a written undertaking)", {"field": "undertaking"}
        )
    app.gap_slots = [s.slot for s in missing if s.slot in defer]
    app.gap_undertaking = undertaking.strip() if app.gap_slots else ""
    first = app.tracking_number is None
    if first:
        app.tracking_number = events.tracking_number(session)
    app.submitted_at = utcnow()
    events.transition(
        session,
        app,
        user,
        EventAction.SUBMIT if first else EventAction.RESUBMIT,
        Status.SUBMITTED,
        data={"deferred": list(app.gap_slots)} if app.gap_slots else None,
    )
    return app


def withdraw(session: Session, user: User, app: Application, reason: str = "") -> Application:
    policy.require(user, app, policy.Action.WITHDRAW)
    events.transition(session, app, user, EventAction.WITHDRAW, Status.WITHDRAWN, note=reason)
    return app
