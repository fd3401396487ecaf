"""From a workbook's rows to the specs the admin services take, checking what the sheets alone can tell.

Every cell is read by its column (a bad one is reported and stands in as a harmless fallback, so the rest of
its row is still checked); codes must be unique in their sheet; every reference must name a department or
material type in the sheets or already in the catalogue, and every material a service of the 事项 sheet.
The rules that need the database are the admin services' own, run afterwards (spreadsheet_apply).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Department, MaterialType
from .specs import DepartmentSpec, MaterialTypeSpec, ServiceSpec, SlotSpec
from .spreadsheet_layout import DEPARTMENTS, MATERIAL_TYPES, MATERIALS, SERVICES, CellProblem, Sheet
from .spreadsheet_problems import Problem, Problems
from .spreadsheet_read import SheetRows


@dataclass(frozen=True)
class Row:
    """One row as read: its values by field, and where each came from (to name a cell in a problem)."""

    sheet: Sheet
    number: int
    positions: dict[str, int]
    values: dict[str, Any] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)  # the fields whose cell could not be read

    def problem(self, name: str | None, message: str) -> Problem:
        column = self.sheet.column(name) if name else None
        position = self.positions.get(column.field) if column else None
        return Problem(self.sheet.name, self.number, column.header if column else None, message, position)


@dataclass(frozen=True)
class PlannedService:
    row: Row
    spec: ServiceSpec
    materials: list[Row]  # the i-th is the spec's materials[i], which the admin service calls materials.i


@dataclass(frozen=True)
class Plan:
    departments: list[tuple[Row, DepartmentSpec]]
    material_types: list[tuple[Row, MaterialTypeSpec]]
    services: list[PlannedService]


def plan_import(session: Session, sheets: dict[str, SheetRows], problems: Problems) -> Plan:
    departments = _unique(_parse(sheets[DEPARTMENTS.name], problems), problems)
    types = _unique(_parse(sheets[MATERIAL_TYPES.name], problems), problems)
    services = _unique(_parse(sheets[SERVICES.name], problems), problems)
    known_departments = set(session.scalars(select(Department.code))) | {r.values["code"] for r in departments}
    known_types = set(session.scalars(select(MaterialType.code))) | {r.values["code"] for r in types}
    by_service = _materials_by_service(
        _parse(sheets[MATERIALS.name], problems), {r.values["code"] for r in services}, known_types, problems
    )
    return Plan(
        departments=[(r, _spec(DepartmentSpec, r.values)) for r in departments],
        material_types=[(r, _spec(MaterialTypeSpec, r.values)) for r in types],
        services=[_service(r, by_service.get(r.values["code"], []), known_departments, problems) for r in services],
    )


def _parse(sheet_rows: SheetRows, problems: Problems) -> list[Row]:
    """Every row, each cell read by its column; a bad cell is reported and holds its column's fallback."""
    layout, out = sheet_rows.layout, []
    for number, cells in sheet_rows.rows:
        row = Row(layout, number, sheet_rows.positions)
        for column in layout.columns:
            position = sheet_rows.positions[column.field]
            try:
                row.values[column.field] = column.read(cells[position] if position < len(cells) else None)
            except CellProblem as exc:
                row.values[column.field] = column.fallback
                row.bad.add(column.field)
                problems.add(row.problem(column.field, str(exc)))
        out.append(row)
    return out


def _unique(rows: list[Row], problems: Problems) -> list[Row]:
    """The rows with a good code, each code once (a second row with the same code is reported and dropped)."""
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        if "code" in row.bad:
            continue
        first = seen.setdefault(row.values["code"], row.number)
        if first != row.number:
            problems.add(row.problem("code", f"编码与第{first}行重复 (the same code as row {first})"))
            continue
        out.append(row)
    return out


def _materials_by_service(
    rows: list[Row], services: set[str], known_types: set[str], problems: Problems
) -> dict[str, list[Row]]:
    """Each service's material rows in sheet order (the order of its materials list)."""
    out: dict[str, list[Row]] = {}
    first_row: dict[tuple[str, str], int] = {}
    for row in rows:
        service, slot, mtype = (row.values[f] for f in ("service", "slot", "material_type"))
        if "service" in row.bad:
            continue
        if service not in services:
            problems.add(row.problem("service", f"「事项」表中没有事项 {service} (no service {service} in 事项)"))
            continue
        if "material_type" not in row.bad and mtype not in known_types:
            problems.add(row.problem("material_type", f"没有材料类型 {mtype} (no material type {mtype})"))
        first = first_row.setdefault((service, slot), row.number)
        if "slot" not in row.bad and first != row.number:
            problems.add(row.problem("slot", f"材料编号与第{first}行重复 (the same slot as row {first})"))
        out.setdefault(service, []).append(row)
    return out


def _service(row: Row, materials: list[Row], known_departments: set[str], problems: Problems) -> PlannedService:
    values = row.values
    if "department" not in row.bad and values["department"] not in known_departments:
        problems.add(row.problem("department", f"没有部门 {values['department']} (no department)"))
    unknown = [code for code in values["cooperating_departments"] if code not in known_departments]
    if unknown:
        problems.add(row.problem("cooperating_departments", f"没有部门 {'、'.join(unknown)} (no such departments)"))
    if not materials:
        problems.add(row.problem("code", "「材料清单」表中没有此事项的材料 (no rows for this service in 材料清单)"))
    slots = tuple(_spec(SlotSpec, m.values) for m in materials)
    return PlannedService(row, _spec(ServiceSpec, {**values, "materials": slots}), materials)


def _spec(kind: Any, values: dict[str, Any]) -> Any:
    """The spec of ``kind`` from a row's values (a column's field is the spec's field of the same name)."""
    return kind(**{f.name: values[f.name] for f in fields(kind) if f.name in values})
