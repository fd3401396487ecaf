"""What an applicant holds in the archive: their dossiers (我的档案) and their e-licences (我的证照).

The citizen sees what departments will be offered when they apply again, at which level and until when,
so nothing is reused on their behalf that they could not have seen first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import Forbidden
from ...models import Dossier, DossierFile, Licence, User, utcnow
from ..cases.licences import licence_json


def _holder(user: User) -> str:
    if user.role != "applicant" or not user.id_number:
        raise Forbidden("仅申请人可查看本人的档案和证照 (only applicants hold dossiers and e-licences)")
    return user.id_number


def my_licences(session: Session, user: User) -> list[dict[str, Any]]:
    """Every e-licence issued to the applicant, newest first, with its state (valid, expired, revoked …)."""
    id_number = _holder(user)
    rows = session.scalars(
        select(Licence).where(Licence.holder_id_number == id_number).order_by(Licence.issued_at.desc())
    )
    now = utcnow()
    return [licence_json(row, now) for row in rows]


def my_dossiers(session: Session, user: User, *, page: int, per_page: int) -> tuple[int, list[dict[str, Any]]]:
    """The applicant's dossiers (latest versions), newest first, each file with its level and validity."""
    id_number = _holder(user)
    query = select(Dossier).where(Dossier.applicant_id_number == id_number, Dossier.superseded.is_(False))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Dossier.closed_at.desc()).offset((page - 1) * per_page).limit(per_page))
    return total, [dossier_json(d) for d in rows]


def dossier_json(dossier: Dossier) -> dict[str, Any]:
    return {
        "dossier_id": dossier.id,
        "archival_code": dossier.archival_code,
        "title": dossier.title,
        "service_name": dossier.service_name,
        "department_name": dossier.department_name,
        "outcome": dossier.outcome,
        "closed_at": dossier.closed_at.isoformat(),
        "application_id": dossier.application_id,
        "files": [file_json(f) for f in dossier.files],
    }


def file_json(f: DossierFile) -> dict[str, Any]:
    return {
        "file_id": f.id,
        "name": f.name,
        "material_type": f.material_type,
        "material_type_name": f.material_type_name,
        "material_class": f.material_class,
        "level": f.level,
        "verified_by": f.verified_by or None,
        "verified_at": f.verified_at.isoformat() if f.verified_at else None,
        "valid_until": f.valid_until.isoformat() if f.valid_until else None,
        "licence_id": f.licence_id,
        "media_type": f.media_type,
        "size": f.size,
    }
