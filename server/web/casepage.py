"""What the case pages show per material slot: the slot's rules, the current file, reuse offers, what may be done.

Built once here so the applicant's form, the clerk's review and the officer's
case page agree on what each slot looks like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ..models import Application, Licence, Material, MaterialSlot, ReuseConsent, User
from ..services.cases import applying, policy, reuse
from ..services.cases.uploads import accepted_formats


@dataclass
class SlotRow:
    slot: MaterialSlot
    material: Material | None
    uploadable: bool
    deferred: bool
    offers: list[dict[str, Any]] = field(default_factory=list)
    # Whether this user may consent to an offer here (the applicant online, the clerk at the window).
    may_reuse: bool = False
    # Where a reused material came from: who agreed to its reuse, and the e-licence it is.
    consent: ReuseConsent | None = None
    licence: Licence | None = None

    @property
    def accept(self) -> str:
        """The file picker's filter, from the slot's formats (the server still checks by content)."""
        return ",".join(f".{f}" for f in accepted_formats(self.slot.formats))

    @property
    def needs_fix(self) -> bool:
        return self.material is not None and self.material.verdict_ok is False


def slot_rows(session: Session, user: User, app: Application, *, with_offers: bool = False) -> list[SlotRow]:
    current = applying.current_materials(app)
    offers: dict[str, list[dict[str, Any]]] = {}
    if with_offers and policy.may(user, app, policy.Action.UPLOAD):
        offers = reuse.reusable(session, user, app)
    reused = any(m.reused_from_file_id for m in current.values())
    consents = reuse.consents(session, app) if reused else {}
    may_reuse = policy.may(user, app, policy.Action.REUSE)
    rows = []
    for s in app.service.materials:
        material = current.get(s.slot)
        rows.append(
            SlotRow(
                slot=s,
                material=material,
                uploadable=policy.may_add_material(user, app, s.slot),
                deferred=s.slot in app.gap_slots,
                offers=offers.get(s.slot, []),
                may_reuse=may_reuse and policy.may_add_material(user, app, s.slot),
                consent=consents.get(material.id) if material else None,
                licence=session.get(Licence, material.licence_id) if material and material.licence_id else None,
            )
        )
    return rows


def missing_rows(app: Application) -> list[MaterialSlot]:
    return applying.missing_slots(app)
