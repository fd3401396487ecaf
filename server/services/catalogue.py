"""Reading the service catalogue (departments, service items and their guides).

A service item is a series of versions (``ServiceItem`` rows sharing a code);
the catalogue shows each code's newest version, and takes applications only
while that version is published (not retired).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..errors import NotFound
from ..models import RETENTION_LABELS, Department, MaterialSlot, MaterialType, ServiceItem
from ..vocabulary import ServiceStatus


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.code)))


def list_material_types(session: Session) -> list[MaterialType]:
    return list(session.scalars(select(MaterialType).order_by(MaterialType.code)))


def _newest() -> Any:
    """Each code's newest version: the published one, or the last before it was retired."""
    newest = (
        select(ServiceItem.code, func.max(ServiceItem.version).label("version"))
        .where(ServiceItem.status != ServiceStatus.SUPERSEDED)
        .group_by(ServiceItem.code)
        .subquery()
    )
    return (
        select(ServiceItem)
        .join(newest, (ServiceItem.code == newest.c.code) & (ServiceItem.version == newest.c.version))
        .options(
            selectinload(ServiceItem.department),
            selectinload(ServiceItem.materials).selectinload(MaterialSlot.material_type),
        )
    )


def list_services(session: Session, *, active_only: bool = True) -> list[ServiceItem]:
    """The current guides; with ``active_only=False`` retired services too."""
    query = _newest().order_by(ServiceItem.code)
    if active_only:
        query = query.where(ServiceItem.status == ServiceStatus.PUBLISHED)
    return list(session.scalars(query))


def get_service(session: Session, code: str) -> ServiceItem:
    """The newest version of ``code`` (a retired one stays readable; applying to it is refused elsewhere)."""
    service = session.scalar(_newest().where(ServiceItem.code == code))
    if service is None:
        raise NotFound(f"没有编码为 {code!r} 的事项 (no service item with code {code!r})")
    return service


def service_versions(session: Session, code: str, *, required: bool = False) -> list[ServiceItem]:
    """Every version of ``code``, oldest first (with ``required``, NotFound when there is none)."""
    versions = list(session.scalars(select(ServiceItem).where(ServiceItem.code == code).order_by(ServiceItem.version)))
    if required and not versions:
        raise NotFound(f"没有编码为 {code!r} 的事项 (no service item with code {code!r})")
    return versions


def department_json(dept: Department) -> dict[str, Any]:
    return {"code": dept.code, "name": dept.name}


def slot_json(slot: MaterialSlot) -> dict[str, Any]:
    return {
        "slot": slot.slot,
        "name": slot.name,
        "material_type": slot.material_type.code,
        "material_type_name": slot.material_type.name,
        "required": slot.required,
        "key": slot.key,
        "gap_allowed": slot.gap_allowed,
        "formats": list(slot.formats),
        "max_bytes": slot.max_bytes,
        "shared": slot.material_type.shared,
        "note": slot.note,
    }


def service_json(service: ServiceItem) -> dict[str, Any]:
    return {
        "code": service.code,
        "version": service.version,
        "status": service.status,
        "name": service.name,
        "department": department_json(service.department),
        "summary": service.summary,
        "conditions": service.conditions,
        "legal_basis": service.legal_basis,
        "time_limit_days": service.time_limit_days,
        "statutory_days": service.statutory_days,
        "fees": service.fees,
        "retention": service.retention,
        "retention_label": RETENTION_LABELS.get(service.retention, service.retention),
        "location": service.location,
        "cooperating_departments": list(service.cooperating),
        "materials": [slot_json(slot) for slot in service.materials],
    }
