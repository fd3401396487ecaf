"""Applying a planned catalogue import through the admin services, so each change is checked and audited.

The services' own rules run for every row; their problems (keyed ``materials.2.formats``) are mapped back
to the sheet, row and column they came from. References (a service's department, a slot's material type)
were already checked against the sheets, so the services' words on them are not repeated. A spec the
service finds identical to what is there changes nothing, which makes a second import of a file a no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import AppError
from ...models import Department, MaterialType, ServiceItem
from ...vocabulary import ServiceStatus
from .audit import Actor
from .catalogue import (
    department_json,
    material_type_json,
    publish_service,
    save_department,
    save_material_type,
    with_archival_elements_of_current,
)
from .specs import DepartmentSpec, MaterialTypeSpec
from .spreadsheet_problems import Problems
from .spreadsheet_rows import Plan, PlannedService, Row

# Checked against the sheets already (spreadsheet_rows), where the message can say which sheet lacks what.
_REFERENCES = {"department", "cooperating_departments", "material_type"}
# A department's or material type's code: the sheet requires it, and the admin service names it beside a
# missing name even when it is there.
_CODE = {"code"}
_KINDS = {"department": "部门", "material_type": "材料类型", "service": "事项"}
_ACTIONS = {
    "created": ("新建", "created"),
    "updated": ("修改", "updated"),
    "published": ("发布新版本", "published a new version"),
    "retired": ("停止受理", "retired"),
    "reinstated": ("恢复受理", "reinstated"),
}


@dataclass(frozen=True)
class Change:
    """One object the import changed: a department or material type created or updated, or a service
    created, published as a new version, retired or reinstated (``version`` is then its current version)."""

    kind: str  # department | material_type | service
    code: str
    action: str  # created | updated | published | retired | reinstated
    version: int | None = None

    def describe(self) -> str:
        """``事项 minsu：发布新版本 第2版 (published a new version, version 2)``."""
        zh, en = _ACTIONS[self.action]
        if self.version is not None:
            zh, en = f"{zh} 第{self.version}版", f"{en}, version {self.version}"
        return f"{_KINDS[self.kind]} {self.code}：{zh} ({en})"

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "code": self.code, "action": self.action, "version": self.version}


def apply_plan(session: Session, actor: Actor, plan: Plan, problems: Problems) -> tuple[list[Change], int]:
    """The changes made, and how many objects were already as the sheets say."""
    changes: list[Change | None] = []
    for row, department in plan.departments:
        changes.append(_save_department(session, actor, row, department, problems))
    for row, mtype in plan.material_types:
        changes.append(_save_material_type(session, actor, row, mtype, problems))
    current = _current_versions(session)
    for planned in plan.services:
        changes.append(_publish(session, actor, planned, current.get(planned.spec.code), problems))
    made = [c for c in changes if c is not None]
    return made, len(changes) - len(made)


def _save_department(
    session: Session, actor: Actor, row: Row, spec: DepartmentSpec, problems: Problems
) -> Change | None:
    existing = session.scalar(select(Department).where(Department.code == spec.code))
    before = department_json(existing) if existing is not None else None
    return _saved(
        "department",
        row,
        spec.code,
        before,
        lambda: department_json(save_department(session, actor, spec, create=existing is None)),
        problems,
    )


def _save_material_type(
    session: Session, actor: Actor, row: Row, spec: MaterialTypeSpec, problems: Problems
) -> Change | None:
    existing = session.scalar(select(MaterialType).where(MaterialType.code == spec.code))
    before = material_type_json(existing) if existing is not None else None
    return _saved(
        "material_type",
        row,
        spec.code,
        before,
        lambda: material_type_json(save_material_type(session, actor, spec, create=existing is None)),
        problems,
    )


def _saved(
    kind: str,
    row: Row,
    code: str,
    before: dict[str, Any] | None,
    save: Callable[[], dict[str, Any]],
    problems: Problems,
) -> Change | None:
    """Runs ``save``; the change it made (created when there was nothing before), or None."""
    try:
        after = save()
    except AppError as exc:
        _report(exc, problems, lambda key: (row, key), ignore=_CODE)
        return None
    if after == before:
        return None
    return Change(kind, code, "created" if before is None else "updated")


def _current_versions(session: Session) -> dict[str, tuple[int, str]]:
    """Each service's current version and status, read once (not once per row of a long catalogue)."""
    rows = session.execute(
        select(ServiceItem.code, ServiceItem.version, ServiceItem.status)
        .where(ServiceItem.status != ServiceStatus.SUPERSEDED)
        .order_by(ServiceItem.version)
    )
    return {code: (version, status) for code, version, status in rows}


def _publish(
    session: Session, actor: Actor, planned: PlannedService, current: tuple[int, str] | None, problems: Problems
) -> Change | None:
    """The guide as the sheets say; ``current`` is the service's (version, status) before."""
    # The sheets have no columns for the DA/T 46 elements: a service keeps those of its current version.
    spec = with_archival_elements_of_current(session, planned.spec)
    try:
        service = publish_service(session, actor, spec, create=None)
    except AppError as exc:
        _report(exc, problems, lambda key: _service_cell(planned, key), ignore=_REFERENCES)
        return None
    if current is None:
        return Change("service", spec.code, "created", service.version)
    if service.version != current[0]:
        return Change("service", spec.code, "published", service.version)
    if service.status != current[1]:
        action = "retired" if service.status == ServiceStatus.RETIRED else "reinstated"
        return Change("service", spec.code, action, service.version)
    return None


def _service_cell(planned: PlannedService, key: str) -> tuple[Row, str | None]:
    """``materials.2.formats`` is the 格式 cell of the service's third material row; ``materials`` its 编码."""
    parts = key.split(".")
    if parts[0] == "materials" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(planned.materials):
        return planned.materials[int(parts[1])], parts[2]
    return planned.row, "code" if key == "materials" else key


def _report(exc: AppError, problems: Problems, cell_of: Any, *, ignore: set[str]) -> None:
    """Each of the service's problems at its cell, but those the sheets' own checks name already.

    A refusal that names nothing new still refuses the file: when no problem is known yet, it is reported at
    its row, so that a change a service refused can never pass as a successful import."""
    found = exc.details.get("fields") if isinstance(exc.details, dict) else None
    named = 0
    for key, message in (found or {}).items():
        row, name = cell_of(key)
        if name not in ignore:
            problems.add(row.problem(name, str(message)))
            named += 1
    if not named and not problems:
        row, _ = cell_of("")
        problems.add(row.problem(None, exc.message))
