"""E-licences (电子证照): a result filed as a licence of its holder, archived as 结果性, revoked by its issuer.

The licence is what makes a department's own result reusable at level ``issued`` in the holder's later
applications, so its facts (type, number, holder, issuer, validity) are recorded apart from the file and
written into the dossier's metadata when the case is sealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput, NotFound
from ...models import Application, Dossier, DossierEvent, Licence, MaterialType, ResultFile, User, utcnow
from ...timeutil import local
from ...vocabulary import EventAction
from . import events, policy
from .verification import end_of_day

MAX_NUMBER = 64


@dataclass(frozen=True)
class LicenceFacts:
    """What the issuing officer states about a result filed as a licence."""

    licence_type: str
    number: str
    valid_until: date | None = None


@dataclass(frozen=True)
class Checked:
    """Licence facts found valid, with the material type they name."""

    facts: LicenceFacts
    material_type: MaterialType


def check(session: Session, facts: LicenceFacts, *, replacing: str | None) -> Checked:
    """Refuses bad facts before any byte is stored; ``replacing`` is the result id a re-upload replaces."""
    mtype = session.scalar(select(MaterialType).where(MaterialType.code == facts.licence_type))
    if mtype is None:
        codes = list(session.scalars(select(MaterialType.code).order_by(MaterialType.code)))
        raise InvalidInput(
            f"没有材料类型 {facts.licence_type!r} (licence_type must be a material type code)",
            {"fields": {"licence_type": "unknown"}, "allowed": codes},
        )
    number = facts.number.strip()
    if not number or len(number) > MAX_NUMBER or "\x00" in number:
        raise InvalidInput(
            f"证照编号须为1至{MAX_NUMBER}个字符 (licence_number must be 1 to {MAX_NUMBER} characters)",
            {"fields": {"licence_number": "required"}},
        )
    if facts.valid_until is not None and facts.valid_until <= local(utcnow()).date():
        raise InvalidInput(
            "有效期须晚于今天 (valid_until must be after today)", {"fields": {"valid_until": "not in the future"}}
        )
    taken = session.scalar(select(Licence).where(Licence.licence_type == mtype.code, Licence.number == number))
    if taken is not None and (replacing is None or taken.result_id != replacing):
        raise Conflict(
            f"{mtype.name}编号 {number} 已被使用 (that licence number is already issued)",
            {"licence_number": number, "licence_type": mtype.code},
        )
    return Checked(LicenceFacts(mtype.code, number, facts.valid_until), mtype)


def issue(session: Session, user: User, app: Application, result: ResultFile, checked: Checked) -> Licence:
    """Records ``result`` as the applicant's licence (after ``check`` and after any replaced result is gone)."""
    assert user.department is not None  # only an officer of a routed department uploads results
    licence = Licence(
        licence_type=checked.material_type.code,
        licence_type_name=checked.material_type.name,
        number=checked.facts.number,
        holder_name=app.applicant_name,
        holder_id_number=app.applicant_id_number,
        department_code=user.department.code,
        department_name=user.department.name,
        valid_until=checked.facts.valid_until,
        issued_at=utcnow(),
        issued_by=user.display_name,
        application_id=app.id,
        result_id=result.id,
    )
    session.add(licence)
    return licence


def forget_result(session: Session, result_id: str | None) -> None:
    """A result replaced before sealing takes its licence with it."""
    if result_id is None:
        return
    for licence in session.scalars(select(Licence).where(Licence.result_id == result_id)):
        session.delete(licence)
    session.flush()


def of_results(session: Session, app: Application) -> dict[str, Licence]:
    """The licences of the case's results, by result id."""
    rows = session.scalars(select(Licence).where(Licence.application_id == app.id))
    return {row.result_id: row for row in rows}


def seal_facts(licence: Licence) -> dict[str, Any]:
    """The licence as the dossier's metadata states it."""
    return {
        "licence_id": licence.id,
        "licence_type": licence.licence_type,
        "licence_type_name": licence.licence_type_name,
        "number": licence.number,
        "holder": {"name": licence.holder_name, "id_number": licence.holder_id_number},
        "issuing_department": {"code": licence.department_code, "name": licence.department_name},
        "issued_by": licence.issued_by,
        "issued_at": local(licence.issued_at).isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
    }


def valid_until(licence: Licence) -> datetime | None:
    return end_of_day(licence.valid_until) if licence.valid_until else None


def filed(session: Session, dossier: Dossier) -> None:
    """Once sealed, each licence knows its archived copy: from then on it can be offered."""
    for file in dossier.files:
        if file.licence_id:
            licence = session.get(Licence, file.licence_id)
            if licence is not None:
                licence.dossier_id, licence.file_id, licence.archival_code = dossier.id, file.id, dossier.archival_code


def revoke(session: Session, user: User, licence_id: str, reason: str) -> Licence:
    """The issuing department withdraws a licence: never offered again, recorded on its case and its dossier,
    and the holder is told."""
    licence = session.get(Licence, licence_id)
    if licence is None:
        raise NotFound(f"没有编号为 {licence_id} 的电子证照 (no e-licence {licence_id})")
    policy.require_revoke(user, licence)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("撤销电子证照须说明理由 (revoking needs a reason)", {"fields": {"reason": "required"}})
    if licence.revoked_at is not None:
        raise Conflict(f"该电子证照已于 {local(licence.revoked_at):%Y-%m-%d} 撤销 (already revoked)")
    licence.revoked_at, licence.revoked_by, licence.revoke_reason = utcnow(), user.display_name, reason
    detail = {"licence_id": licence.id, "number": licence.number, "licence_type": licence.licence_type}
    app = session.get(Application, licence.application_id)
    assert app is not None  # a licence is issued in a case
    events.record(session, app, user, EventAction.REVOKE_LICENCE, note=reason, data=detail)
    if licence.dossier_id:
        session.add(
            DossierEvent(
                dossier_id=licence.dossier_id,
                action="licence_revoked",
                actor=user.display_name,
                detail={**detail, "file_id": licence.file_id, "reason": reason},
            )
        )
    return licence


def licence_json(licence: Licence, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    until = valid_until(licence)
    if licence.revoked_at is not None:
        state = "revoked"
    elif until is not None and until <= now:
        state = "expired"
    elif licence.file_id is None:
        state = "pending"  # issued, the case not yet archived
    else:
        state = "valid"
    return {
        "id": licence.id,
        "licence_type": licence.licence_type,
        "licence_type_name": licence.licence_type_name,
        "number": licence.number,
        "holder_name": licence.holder_name,
        "department": licence.department_code,
        "department_name": licence.department_name,
        "issued_at": licence.issued_at.isoformat(),
        "issued_by": licence.issued_by,
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "state": state,
        "application_id": licence.application_id,
        "dossier_id": licence.dossier_id,
        "file_id": licence.file_id,
        "archival_code": licence.archival_code or None,
        "revoked_at": licence.revoked_at.isoformat() if licence.revoked_at else None,
        "revoked_by": licence.revoked_by or None,
        "revoke_reason": licence.revoke_reason or None,
    }
