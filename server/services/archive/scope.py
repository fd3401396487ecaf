"""The archiving scope check (归档范围): does a dossier hold everything its case should have filed?

It compares the dossier's files with the materials list of the service version the case was opened under,
excusing what the case itself recorded: a 容缺 item deferred by a case that then ended without deciding
(terminated, rejected, withdrawn) never arrived. Beside the applicant's materials, every intake dossier
holds the application form, its undertaking when something was deferred, an opinion per decision, the
notices its course implies and, when approved, a result.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...models import Dossier, MaterialSlot, ServiceItem
from ...vocabulary import FiledType, MaterialClass, Status

# A case that ended without a decision never needed the deferred material.
UNDECIDED_ENDS = frozenset({Status.TERMINATED, Status.REJECTED, Status.WITHDRAWN})
APPROVED = frozenset({Status.APPROVED, Status.PARTLY_APPROVED})
DENIED = frozenset({Status.DENIED, Status.PARTLY_APPROVED})


def _service(session: Session, dossier: Dossier) -> ServiceItem | None:
    return session.scalar(
        select(ServiceItem)
        .where(ServiceItem.code == dossier.service_code, ServiceItem.version == dossier.service_version)
        .options(selectinload(ServiceItem.materials).selectinload(MaterialSlot.material_type))
    )


def _missing_materials(service: ServiceItem, dossier: Dossier, types: set[str]) -> list[str]:
    ended = dossier.case_status in UNDECIDED_ENDS or dossier.outcome in UNDECIDED_ENDS
    excused = set(dossier.deferred_slots) if ended else set()
    return [
        f"{slot.name}（{slot.slot}）"
        for slot in service.materials
        if slot.required and slot.slot not in excused and slot.material_type.code not in types
    ]


def _expected_documents(dossier: Dossier) -> list[FiledType]:
    expected = [FiledType.APPLICATION_FORM]
    if dossier.deferred_slots:
        expected.append(FiledType.UNDERTAKING)
    if dossier.accepted_at is not None:
        expected.append(FiledType.NOTICE_ACCEPTANCE)
    if dossier.outcome == Status.REJECTED:
        expected.append(FiledType.NOTICE_REJECTION)
    if dossier.outcome == Status.TERMINATED:
        expected.append(FiledType.NOTICE_TERMINATION)
    if dossier.outcome in APPROVED | DENIED:
        expected.append(FiledType.OPINION)
    if dossier.outcome in DENIED:
        expected.append(FiledType.NOTICE_DENIAL)
    return expected


def scope_problems(session: Session, dossier: Dossier) -> list[str] | None:
    """What the dossier lacks, in plain words ([] = within scope); None when it cannot be told (no case behind
    it, as for imported paper records, which have no materials list of their own, or the version is gone)."""
    if dossier.source != "intake" or not dossier.application_id:
        return None
    service = _service(session, dossier)
    if service is None:
        return None
    types = {f.material_type for f in dossier.files}
    problems = [f"缺少申请材料 (missing material): {name}" for name in _missing_materials(service, dossier, types)]
    problems += [
        f"缺少{kind.label} (missing {kind.value})" for kind in _expected_documents(dossier) if kind not in types
    ]
    if dossier.outcome in APPROVED and not any(f.material_class == MaterialClass.RESULT for f in dossier.files):
        problems.append("准予许可但无结果文件 (approved without a result document)")
    return problems
