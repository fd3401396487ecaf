"""Verification levels of materials (国办函〔2016〕108号): what raises a copy's level, and how long it is valid.

A department trusts a reused copy only as far as someone checked it, so the level is kept per material with
who checked it and when. Nothing raises it implicitly: an acceptance says the case may proceed, not that the
clerk held every original in their hands.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ...models import Material, MaterialType, User
from ...timeutil import LOCAL_TZ
from ...vocabulary import VerificationLevel

# Strongest first: an offer of the same file at two levels shows the stronger.
RANK = {level: rank for rank, level in enumerate(VerificationLevel)}
CHECKED = (VerificationLevel.ISSUED, VerificationLevel.VERIFIED_ORIGINAL)


def record_verdict(
    material: Material, user: User, ok: bool, reason: str, now: datetime, material_type: MaterialType | None
) -> None:
    """The clerk's verdict on one material; an ok verdict is their word that the copy matches the original."""
    material.verdict_ok, material.verdict_reason = ok, reason
    material.reviewed_by, material.reviewed_at = user.display_name, now
    if ok and material.level != VerificationLevel.ISSUED:
        material.level = VerificationLevel.VERIFIED_ORIGINAL
        material.verified_by, material.verified_at = user.display_name, now
        material.valid_until = valid_from(now, material_type)


def valid_from(start: datetime, material_type: MaterialType | None) -> datetime | None:
    """The end of a copy's validity counted from its verification or issue date (None: no limit known)."""
    days = material_type.valid_days if material_type is not None else None
    return start + timedelta(days=days) if days else None


def end_of_day(day: date) -> datetime:
    """A validity date people read ("valid until 2027-06-30") as the last instant of that local day."""
    return datetime.combine(day + timedelta(days=1), time(), LOCAL_TZ) - timedelta(microseconds=1)
