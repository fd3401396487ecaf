"""Changing the service catalogue: departments, material types, and service guides as versions.

A published guide is never edited in place. Publishing a changed guide adds
the next version and marks the old one superseded; cases opened under the old
version keep it (their materials list, size limits and time limit). Publishing
a guide identical to the current one changes nothing, so a spreadsheet
imported twice is the same as once.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput, NotFound
from ...models import RETENTION_LABELS, Department, MaterialSlot, MaterialType, ServiceItem
from ...vocabulary import ItemType, MaterialClass, Openness, Secrecy, ServiceStatus
from ..cases.uploads import FORMAT_TYPES
from ..catalogue import service_versions
from . import audit
from .audit import Actor
from .specs import DepartmentSpec, MaterialTypeSpec, ServiceSpec, SlotSpec

MAX_SLOT_BYTES = 2 * 1024**3


# --- departments -------------------------------------------------------------------------------------


def department_json(dept: Department) -> dict[str, Any]:
    return {"code": dept.code, "name": dept.name, "name_en": dept.name_en, "org_code": dept.org_code}


def save_department(session: Session, actor: Actor, spec: DepartmentSpec, *, create: bool) -> Department:
    """Creates (``create``) or changes a department; the code never changes (it is in URLs and archival codes)."""
    _require(spec.code and spec.name, {"code": "必填 (required)", "name": "必填 (required)"})
    dept = session.scalar(select(Department).where(Department.code == spec.code))
    before = department_json(dept) if dept is not None else None
    if create and dept is not None:
        raise Conflict(f"部门编码 {spec.code} 已存在 (department {spec.code} exists)", {"fields": {"code": "taken"}})
    if not create and dept is None:
        raise NotFound(f"没有部门 {spec.code} (no department {spec.code})")
    dept = dept or Department(code=spec.code)
    dept.name, dept.name_en, dept.org_code = spec.name, spec.name_en, spec.org_code
    session.add(dept)
    after = department_json(dept)
    if after != before:
        audit.record(
            session,
            actor,
            "department.create" if before is None else "department.update",
            f"department:{spec.code}",
            before=before,
            after=after,
        )
    return dept


# --- material types ----------------------------------------------------------------------------------


def material_type_json(mtype: MaterialType) -> dict[str, Any]:
    return {
        "code": mtype.code,
        "name": mtype.name,
        "name_en": mtype.name_en,
        "shared": mtype.shared,
        "valid_days": mtype.valid_days,
    }


def save_material_type(session: Session, actor: Actor, spec: MaterialTypeSpec, *, create: bool) -> MaterialType:
    """Creates or changes a material type. Making a type unshared withholds its archived copies from other
    departments at once (search scopes read the catalogue)."""
    _require(spec.code and spec.name, {"code": "必填 (required)", "name": "必填 (required)"})
    if spec.valid_days is not None and spec.valid_days <= 0:
        raise InvalidInput("有效天数须为正数 (valid_days must be positive)", {"fields": {"valid_days": "≤ 0"}})
    mtype = session.scalar(select(MaterialType).where(MaterialType.code == spec.code))
    before = material_type_json(mtype) if mtype is not None else None
    if create and mtype is not None:
        raise Conflict(f"材料类型 {spec.code} 已存在 (material type {spec.code} exists)", {"fields": {"code": "taken"}})
    if not create and mtype is None:
        raise NotFound(f"没有材料类型 {spec.code} (no material type {spec.code})")
    mtype = mtype or MaterialType(code=spec.code)
    mtype.name, mtype.name_en, mtype.shared, mtype.valid_days = spec.name, spec.name_en, spec.shared, spec.valid_days
    session.add(mtype)
    after = material_type_json(mtype)
    if after != before:
        audit.record(
            session,
            actor,
            "material_type.create" if before is None else "material_type.update",
            f"material_type:{spec.code}",
            before=before,
            after=after,
        )
    return mtype


# --- service guides ----------------------------------------------------------------------------------


def service_spec_of(service: ServiceItem) -> ServiceSpec:
    """The spec that would publish exactly this version (to compare with a requested change)."""
    return ServiceSpec(
        code=service.code,
        name=service.name,
        name_en=service.name_en,
        department=service.department.code,
        summary=service.summary,
        conditions=service.conditions,
        legal_basis=service.legal_basis,
        time_limit_days=service.time_limit_days,
        statutory_days=service.statutory_days,
        fees=service.fees,
        retention=service.retention,
        location=service.location,
        cooperating_departments=tuple(service.cooperating),
        status=service.status,
        item_code=service.item_code,
        item_type=service.item_type,
        secrecy=service.secrecy,
        secrecy_years=service.secrecy_years,
        openness=service.openness,
        materials=tuple(
            SlotSpec(
                slot=s.slot,
                name=s.name,
                material_type=s.material_type.code,
                required=s.required,
                key=s.key,
                formats=tuple(s.formats),
                max_bytes=s.max_bytes,
                material_class=s.material_class,
                note=s.note,
            )
            for s in service.materials
        ),
    )


def service_admin_json(service: ServiceItem) -> dict[str, Any]:
    spec = asdict(service_spec_of(service))
    return {
        **spec,
        "version": service.version,
        "published_at": service.published_at.isoformat(),
        "published_by": service.published_by,
        "retention_label": RETENTION_LABELS.get(service.retention, ""),
    }


ARCHIVAL_ELEMENTS = ("item_code", "item_type", "secrecy", "secrecy_years", "openness")


def with_archival_elements_of_current(session: Session, spec: ServiceSpec) -> ServiceSpec:
    """``spec`` with the DA/T 46 elements of the service's current version (a new service keeps its own)."""
    versions = service_versions(session, spec.code)
    current = next((v for v in reversed(versions) if v.status != ServiceStatus.SUPERSEDED), None)
    if current is None:
        return spec
    return replace(spec, **{name: getattr(current, name) for name in ARCHIVAL_ELEMENTS})


def publish_service(session: Session, actor: Actor, spec: ServiceSpec, *, create: bool | None = None) -> ServiceItem:
    """The guide as ``spec`` says: a new version when anything differs, the current one when nothing does.

    ``create`` True refuses an existing code, False a new one, None accepts either (the spreadsheet).
    ``status`` retired stops new applications; its guide stays readable for the cases opened under it.
    """
    versions = service_versions(session, spec.code)
    current = next((v for v in reversed(versions) if v.status != ServiceStatus.SUPERSEDED), None)
    if create is True and versions:
        raise Conflict(f"事项编码 {spec.code} 已存在 (service {spec.code} exists)", {"fields": {"code": "taken"}})
    if create is False and not versions:
        raise NotFound(f"没有事项 {spec.code} (no service {spec.code})")
    department, slots = _check_service(session, spec)
    if current is not None and service_spec_of(current) == spec:
        return current
    before = service_admin_json(current) if current is not None else None
    if current is not None and _same_guide(service_spec_of(current), spec):
        current.status = spec.status  # only retired or taken back: the guide itself is unchanged
        action = "service.retire" if spec.status == ServiceStatus.RETIRED else "service.reinstate"
        audit.record(session, actor, action, f"service:{spec.code}", before=before, after=service_admin_json(current))
        return current
    if current is not None and current.status == ServiceStatus.PUBLISHED:
        current.status = ServiceStatus.SUPERSEDED
    session.flush()
    version = (max((v.version for v in versions), default=0)) + 1
    service = _new_version(spec, department, slots, version, actor)
    session.add(service)
    session.flush()
    audit.record(
        session, actor, "service.publish", f"service:{spec.code}", before=before, after=service_admin_json(service)
    )
    return service


def _same_guide(a: ServiceSpec, b: ServiceSpec) -> bool:
    return asdict(a) | {"status": ""} == asdict(b) | {"status": ""}


def _new_version(
    spec: ServiceSpec, department: Department, slots: list[tuple[SlotSpec, MaterialType]], version: int, actor: Actor
) -> ServiceItem:
    service = ServiceItem(
        code=spec.code,
        version=version,
        status=spec.status,
        published_by=actor.username,
        name=spec.name,
        name_en=spec.name_en,
        department=department,
        summary=spec.summary,
        conditions=spec.conditions,
        legal_basis=spec.legal_basis,
        time_limit_days=spec.time_limit_days,
        statutory_days=spec.statutory_days,
        fees=spec.fees,
        retention=spec.retention,
        location=spec.location,
        cooperating=list(spec.cooperating_departments),
        item_code=spec.item_code,
        item_type=spec.item_type,
        secrecy=spec.secrecy,
        secrecy_years=spec.secrecy_years if spec.secrecy != Secrecy.PUBLIC else None,
        openness=spec.openness,
    )
    for position, (slot, mtype) in enumerate(slots):
        service.materials.append(
            MaterialSlot(
                slot=slot.slot,
                name=slot.name,
                material_type=mtype,
                required=slot.required,
                key=slot.key,
                formats=list(slot.formats),
                max_bytes=slot.max_bytes,
                material_class=slot.material_class,
                note=slot.note,
                position=position,
            )
        )
    return service


def _check_service(session: Session, spec: ServiceSpec) -> tuple[Department, list[tuple[SlotSpec, MaterialType]]]:
    """Every rule a guide must keep, each problem named by its field (``materials.2.formats``)."""
    problems: dict[str, str] = {}
    if not spec.code or not spec.name:
        problems["code" if not spec.code else "name"] = "必填 (required)"
    departments = {d.code: d for d in session.scalars(select(Department))}
    if spec.department not in departments:
        problems["department"] = f"没有部门 {spec.department} (no such department)"
    unknown = sorted(set(spec.cooperating_departments) - set(departments))
    if unknown:
        problems["cooperating_departments"] = f"没有部门 {', '.join(unknown)} (no such departments)"
    if spec.time_limit_days < 1:
        problems["time_limit_days"] = "承诺时限至少1个工作日 (at least 1 working day)"
    if spec.statutory_days is not None and spec.statutory_days < spec.time_limit_days:
        problems["statutory_days"] = "法定时限不能短于承诺时限 (cannot be shorter than the promised limit)"
    if spec.retention not in RETENTION_LABELS:
        problems["retention"] = f"保管期限须为 {'/'.join(RETENTION_LABELS)} (one of {', '.join(RETENTION_LABELS)})"
    if spec.status not in (ServiceStatus.PUBLISHED, ServiceStatus.RETIRED):
        problems["status"] = "须为 published 或 retired (published or retired)"
    problems.update(_archival_problems(spec))
    slots = _check_slots(session, spec.materials, problems)
    if problems:
        raise InvalidInput("事项信息有误，请逐项修改 (the service guide needs fixing)", {"fields": problems})
    return departments[spec.department], slots


def _archival_problems(spec: ServiceSpec) -> dict[str, str]:
    """The DA/T 46 elements a service gives its dossiers: known codes, and a 保密期限 exactly when classified."""
    problems = {}
    for name, named in (("item_type", ItemType), ("secrecy", Secrecy), ("openness", Openness)):
        if getattr(spec, name) not in set(named):
            problems[name] = f"须为 {'/'.join(named)} (one of {', '.join(named)})"
    if spec.secrecy not in (Secrecy.PUBLIC, "") and not spec.secrecy_years:
        problems["secrecy_years"] = "涉密事项须填保密期限（年）(a classified service needs secrecy_years)"
    if spec.secrecy_years is not None and not 0 < spec.secrecy_years <= 100:
        problems["secrecy_years"] = "保密期限须为1至100年 (1 to 100 years)"
    if len(spec.item_code) > 64:
        problems["item_code"] = "事项编码至多64个字符 (at most 64 characters)"
    return problems


def _check_slots(
    session: Session, materials: tuple[SlotSpec, ...], problems: dict[str, str]
) -> list[tuple[SlotSpec, MaterialType]]:
    types = {t.code: t for t in session.scalars(select(MaterialType))}
    if not materials:
        problems["materials"] = "至少一项材料 (at least one material)"
    seen: set[str] = set()
    out = []
    for i, slot in enumerate(materials):
        where = f"materials.{i}"
        if not slot.slot or slot.slot in seen:
            problems[f"{where}.slot"] = "须填写且不重复 (required and unique)"
        seen.add(slot.slot)
        if slot.material_type not in types:
            problems[f"{where}.material_type"] = f"没有材料类型 {slot.material_type} (no such material type)"
        bad = [f for f in slot.formats if f not in FORMAT_TYPES]
        if bad or not slot.formats:
            problems[f"{where}.formats"] = f"格式须为 {'/'.join(FORMAT_TYPES)} (formats: {', '.join(FORMAT_TYPES)})"
        if not 1 <= slot.max_bytes <= MAX_SLOT_BYTES:
            problems[f"{where}.max_bytes"] = f"须在1至{MAX_SLOT_BYTES}字节之间 (1 to {MAX_SLOT_BYTES} bytes)"
        if slot.material_class not in set(MaterialClass):
            problems[f"{where}.material_class"] = "须为 basis/procedure/result"
        if slot.key and not slot.required:
            problems[f"{where}.key"] = "必要材料必须是必需的 (a key material must be required)"
        if slot.material_type in types:
            out.append((slot, types[slot.material_type]))
    return out


def _require(ok: object, problems: dict[str, str]) -> None:
    if not ok:
        raise InvalidInput("请填写编码和名称 (code and name are required)", {"fields": problems})
