"""What the case pages show per material slot: the slot's rules, the current file, reuse offers, what may be done.

Built once here so the applicant's form, the clerk's review and the officer's
case page agree on what each slot looks like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ..models import Application, Material, MaterialSlot, User
from ..services.cases import applying, policy


@dataclass
class SlotRow:
    slot: MaterialSlot
    material: Material | None
    uploadable: bool
    deferred: bool
    offers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accept(self) -> str:
        """The file picker's filter, from the slot's formats (the server still checks by content)."""
        exts = [f".{f}" for f in self.slot.formats]
        if "jpg" in self.slot.formats:
            exts.append(".jpeg")
        return ",".join(exts)

    @property
    def needs_fix(self) -> bool:
        return self.material is not None and self.material.verdict_ok is False


def slot_rows(session: Session, user: User, app: Application, *, with_offers: bool = False) -> list[SlotRow]:
    current = applying.current_materials(app)
    offers: dict[str, list[dict[str, Any]]] = {}
    if with_offers and policy.may(user, app, policy.Action.UPLOAD):
        used = {m.reused_from_file_id for m in current.values() if m.reused_from_file_id}
        offers = {
            slot: [o for o in items if o["file_id"] not in used]
            for slot, items in applying.reusable(session, user, app).items()
        }
    return [
        SlotRow(
            slot=s,
            material=current.get(s.slot),
            uploadable=policy.may_add_material(user, app, s.slot),
            deferred=s.slot in app.gap_slots,
            offers=offers.get(s.slot, []),
        )
        for s in app.service.materials
    ]


def missing_rows(app: Application) -> list[MaterialSlot]:
    return applying.missing_slots(app)
