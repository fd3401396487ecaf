"""Reading the service catalogue (departments, service items and their guides)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..errors import NotFound
from ..models import RETENTION_LABELS, Department, MaterialSlot, ServiceItem


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.code)))


def list_services(session: Session, *, active_only: bool = True) -> list[ServiceItem]:
    query = (
        select(ServiceItem)
        .options(
            selectinload(ServiceItem.department),
            selectinload(ServiceItem.materials).selectinload(MaterialSlot.material_type),
        )
        .order_by(ServiceItem.code)
    )
    if active_only:
        query = query.where(ServiceItem.active.is_(True))
    return list(session.scalars(query))


def get_service(session: Session, code: str) -> ServiceItem:
    service = session.scalar(
        select(ServiceItem)
        .where(ServiceItem.code == code)
        .options(selectinload(ServiceItem.materials).selectinload(MaterialSlot.material_type))
    )
    if service is None:
        raise NotFound(f"没有编码为 {code!r} 的事项 (no service item with code {code!r})")
    return service


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
