"""Reuse of archived files (数据跑路): what each slot is offered, and attaching one with the applicant's consent.

An offer says how far the copy can be trusted (its level, who checked it and when) and until when it is
valid, so the applicant knows what they agree to and the clerk knows what they receive. Revoked or expired
copies are never offered, nor unchecked copies from a rejected case, and each file once per slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import InvalidInput, NotFound
from ...models import (
    Application,
    Dossier,
    DossierFile,
    Licence,
    Material,
    MaterialType,
    ReuseConsent,
    User,
    new_id,
    utcnow,
)
from ...vocabulary import AccessAction, ConsentMode, EventAction, Status, VerificationLevel
from ..archive.access import ledger_entry
from . import policy
from .applying import attach, current_materials, slot_of
from .licences import valid_until as licence_valid_until
from .verification import CHECKED, RANK, valid_from


@dataclass(frozen=True)
class Candidate:
    """One archived file of the applicant that could fill a slot, with what decides whether it is offered."""

    file: DossierFile
    dossier: Dossier
    licence: Licence | None
    valid_until: datetime | None

    @property
    def level(self) -> VerificationLevel:
        if self.licence is not None:
            return VerificationLevel.ISSUED
        return VerificationLevel(self.file.level or VerificationLevel.ARCHIVED_COPY)

    def offered(self, now: datetime) -> bool:
        if self.licence is not None and self.licence.revoked_at is not None:
            return False
        if self.valid_until is not None and self.valid_until <= now:
            return False
        return self.dossier.outcome != Status.REJECTED or self.level in CHECKED


def reusable(session: Session, user: User, app: Application) -> dict[str, list[dict[str, Any]]]:
    """Per slot, the archived files of this applicant that may fill it, strongest level first."""
    policy.require_applicant_side(user, app, "see reusable materials")
    types = {s.material_type.code: s.material_type for s in app.service.materials}
    candidates = _candidates(session, app, types)
    current = current_materials(app)
    now = utcnow()
    out: dict[str, list[dict[str, Any]]] = {}
    for slot in app.service.materials:
        have = current.get(slot.slot)
        seen = {have.sha256} if have is not None else set()
        offers = []
        for candidate in candidates.get(slot.material_type.code, []):
            if candidate.file.sha256 in seen or not candidate.offered(now):
                continue
            seen.add(candidate.file.sha256)
            offers.append(offer_json(candidate))
        if offers:
            out[slot.slot] = offers
    return out


def _candidates(session: Session, app: Application, types: dict[str, MaterialType]) -> dict[str, list[Candidate]]:
    """The applicant's shared archived files of these types, by type: strongest level, then newest, first."""
    rows = session.execute(
        select(DossierFile, Dossier, Licence)
        .join(Dossier, DossierFile.dossier_id == Dossier.id)
        .outerjoin(Licence, Licence.id == DossierFile.licence_id)
        .where(
            Dossier.applicant_id_number == app.applicant_id_number,
            Dossier.superseded.is_(False),
            DossierFile.material_type.in_(list(types)),
            DossierFile.shared.is_(True),
        )
        .order_by(Dossier.closed_at.desc(), DossierFile.seq)
    ).all()
    found: dict[str, list[Candidate]] = {}
    for file, dossier, licence in rows:
        until = _valid_until(file, dossier, licence, types[file.material_type])
        found.setdefault(file.material_type, []).append(Candidate(file, dossier, licence, until))
    for items in found.values():
        items.sort(key=lambda c: RANK[c.level])  # stable: newest first within a level
    return found


def _valid_until(
    file: DossierFile, dossier: Dossier, licence: Licence | None, material_type: MaterialType
) -> datetime | None:
    """A licence's own validity; else the one sealed with the file; else the type's days from the check or
    the closing of the case."""
    if licence is not None:
        return licence_valid_until(licence)
    if file.valid_until is not None:
        return file.valid_until
    return valid_from(file.verified_at or dossier.closed_at, material_type)


def offer_json(candidate: Candidate) -> dict[str, Any]:
    file, dossier, licence = candidate.file, candidate.dossier, candidate.licence
    return {
        "file_id": file.id,
        "dossier_id": dossier.id,
        "name": file.name,
        "material_type": file.material_type,
        "level": candidate.level.value,
        "level_label": candidate.level.label,
        "verified_by": file.verified_by or None,
        "verified_at": file.verified_at.isoformat() if file.verified_at else None,
        "valid_until": candidate.valid_until.isoformat() if candidate.valid_until else None,
        "archival_code": dossier.archival_code,
        "source_department": dossier.department_name,
        "closed_at": dossier.closed_at.isoformat(),
        "media_type": file.media_type,
        "size": file.size,
        "pages": file.pages,
        "licence": _licence_brief(licence) if licence is not None else None,
    }


def _licence_brief(licence: Licence) -> dict[str, Any]:
    return {
        "id": licence.id,
        "number": licence.number,
        "department": licence.department_code,
        "department_name": licence.department_name,
        "issued_at": licence.issued_at.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
    }


def offer_of(session: Session, user: User, app: Application, slot_code: str, file_id: str) -> dict[str, Any]:
    """The offer of ``file_id`` for this slot; a file not offered there is not found (it may not be the
    applicant's, and that is not to be probed)."""
    slot_of(app, slot_code)
    for offer in reusable(session, user, app).get(slot_code, []):
        if offer["file_id"] == file_id:
            return offer
    raise NotFound(
        "该档案文件不在此项材料的可复用范围内 (that archived file is not offered for this slot)",
        {"file_id": file_id, "slot": slot_code},
    )


def offered_file(session: Session, user: User, app: Application, file_id: str) -> tuple[dict[str, Any], DossierFile]:
    """An archived file offered to any slot of the case, for its preview before the applicant agrees."""
    for offers in reusable(session, user, app).values():
        for offer in offers:
            if offer["file_id"] == file_id:
                file = session.get(DossierFile, file_id)
                assert file is not None  # offers are read from the archive
                return offer, file
    raise NotFound("该档案文件不在此办件的可复用范围内 (that archived file is not offered to this case)")


def reuse_material(session: Session, user: User, app: Application, slot_code: str, file_id: str) -> Material:
    """Attaches an archived file without a new upload. The call is the consent: the applicant's own online, or
    the applicant's given in person at the window and recorded under the clerk's name."""
    slot_of(app, slot_code)
    policy.require_add_material(user, app, slot_code)
    policy.require(user, app, policy.Action.REUSE)
    try:
        offer = offer_of(session, user, app, slot_code, file_id)
    except NotFound:
        raise InvalidInput(
            "该档案文件不能用于此项材料（不属于申请人、类型不符、已过期、已撤销或未经核验） "
            "(that archived file cannot fill this slot: not the applicant's, wrong type, expired, revoked "
            "or never checked)",
            {"file_id": file_id, "slot": slot_code},
        ) from None
    file = session.get(DossierFile, file_id)
    assert file is not None  # it is among the offers, which are read from the archive
    material = _copy(file, slot_code, user, offer)
    mode = ConsentMode.ONLINE if user.role == "applicant" else ConsentMode.IN_PERSON
    _record_consent(session, user, app, material, offer, mode)
    data = {
        "slot": slot_code,
        "file": file.name,
        "from_dossier": file.dossier_id,
        "archival_code": offer["archival_code"],
        "level": offer["level"],
        "consent": mode.value,
        "consent_recorded_by": user.display_name,
    }
    return attach(session, app, material, user, EventAction.REUSE, data)


def _copy(file: DossierFile, slot_code: str, user: User, offer: dict[str, Any]) -> Material:
    """A material that is the archived file, keeping its level and who checked it: reusing verifies nothing."""
    return Material(
        id=new_id(),
        slot=slot_code,
        filename=file.name,
        object_id=file.object_id,
        media_type=file.media_type,
        size=file.size,
        sha256=file.sha256,
        pages=file.pages,
        uploaded_by_id=user.id,
        reused_from_file_id=file.id,
        reused_from_dossier_id=file.dossier_id,
        level=offer["level"],
        verified_by=file.verified_by,
        verified_at=file.verified_at,
        valid_until=datetime.fromisoformat(offer["valid_until"]) if offer["valid_until"] else None,
        source_archival_code=offer["archival_code"],
        licence_id=file.licence_id,
    )


def _record_consent(
    session: Session, user: User, app: Application, material: Material, offer: dict[str, Any], mode: ConsentMode
) -> None:
    """The consent row, and the ledger entry saying who agreed and who recorded it."""
    session.add(
        ReuseConsent(
            application_id=app.id,
            slot=material.slot,
            material_id=material.id,
            dossier_id=offer["dossier_id"],
            file_id=offer["file_id"],
            archival_code=offer["archival_code"],
            applicant_id_number=app.applicant_id_number,
            mode=mode,
            recorded_by_id=user.id,
            recorded_by=user.display_name,
            recorded_by_role=user.role,
        )
    )
    case = app.tracking_number or app.id
    if mode == ConsentMode.ONLINE:
        purpose = f"复用于办件 {case}（{app.service.name}），申请人本人网上确认同意"
    else:
        purpose = f"复用于办件 {case}（{app.service.name}），申请人现场同意，由窗口人员 {user.display_name} 记录"
    ledger_entry(
        session,
        user,
        action=AccessAction.REUSE,
        purpose=purpose,
        dossier_id=offer["dossier_id"],
        file_id=offer["file_id"],
        file_name=offer["name"],
        applicant_id_number=app.applicant_id_number,
        application_id=app.id,
        detail={"consent": mode.value, "slot": material.slot},
    )


def preview_offer(
    session: Session, user: User, app: Application, file_id: str, page: int, *, remote_addr: str = ""
) -> DossierFile:
    """A page of an offered file, seen before anyone agrees: a read of the applicant's archive like any other."""
    _offer, file = offered_file(session, user, app, file_id)
    ledger_entry(
        session,
        user,
        action=AccessAction.PREVIEW,
        purpose=f"复用前预览：办件 {app.tracking_number or app.id}（{app.service.name}）",
        dossier_id=file.dossier_id,
        file_id=file.id,
        file_name=file.name,
        applicant_id_number=app.applicant_id_number,
        application_id=app.id,
        remote_addr=remote_addr,
        detail={"page": page},
    )
    return file


def consents(session: Session, app: Application) -> dict[str, ReuseConsent]:
    """The consent behind each reused material of the case, by material id."""
    rows = session.scalars(select(ReuseConsent).where(ReuseConsent.application_id == app.id))
    return {row.material_id: row for row in rows}
