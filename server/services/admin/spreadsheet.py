"""The service catalogue as a spreadsheet (.xlsx): exported for editing, imported as one all-or-nothing change.

Service centres keep their catalogue of several hundred to two thousand service items in spreadsheets;
openpyxl reads and writes the .xlsx that Excel and WPS use, without either installed. The workbook has four
sheets (部门, 材料类型, 事项, 材料清单; columns in ``spreadsheet_layout``). An import changes nothing unless
every row is valid, and then changes everything through the admin services, each change audited; a file
imported twice changes nothing the second time. Services missing from the file are left as they are: a
service is withdrawn by setting its 状态 to 已停止受理, never by deleting its row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import MaterialType
from ..catalogue import list_departments, list_services
from .audit import Actor
from .catalogue import service_spec_of
from .specs import DepartmentSpec, MaterialTypeSpec
from .spreadsheet_apply import Change, apply_plan
from .spreadsheet_layout import DEPARTMENTS, MATERIAL_TYPES, MATERIALS, SERVICES, Sheet
from .spreadsheet_problems import Problems
from .spreadsheet_read import read_workbook
from .spreadsheet_rows import plan_import

__all__ = ["Change", "ExportSummary", "ImportReport", "export_catalogue", "import_catalogue"]


@dataclass(frozen=True)
class ExportSummary:
    departments: int
    material_types: int
    services: int
    materials: int


@dataclass(frozen=True)
class ImportReport:
    """What an import changed (or, with ``dry_run``, would change: then nothing was)."""

    dry_run: bool
    changes: list[Change]
    unchanged: int  # objects in the file that already were as it says

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "changes": [c.as_json() | {"description": c.describe()} for c in self.changes],
            "unchanged": self.unchanged,
        }


# --- export ------------------------------------------------------------------------------------------------


def export_catalogue(session: Session, out: IO[bytes]) -> ExportSummary:
    """Each code's newest version, retired ones too (with their status), ordered by code and slot position."""
    departments = [asdict(DepartmentSpec(d.code, d.name, d.name_en, d.org_code)) for d in list_departments(session)]
    types = [
        asdict(MaterialTypeSpec(t.code, t.name, t.name_en, t.shared, t.valid_days))
        for t in session.scalars(select(MaterialType).order_by(MaterialType.code))
    ]
    specs = [service_spec_of(s) for s in list_services(session, active_only=False)]
    services = [{f: v for f, v in asdict(spec).items() if f != "materials"} for spec in specs]
    materials = [{"service": spec.code, **asdict(slot)} for spec in specs for slot in spec.materials]
    book = Workbook(write_only=True)
    for layout, rows in ((DEPARTMENTS, departments), (MATERIAL_TYPES, types), (SERVICES, services)):
        _write_sheet(book, layout, rows)
    _write_sheet(book, MATERIALS, materials)
    book.save(out)
    return ExportSummary(len(departments), len(types), len(services), len(materials))


def _write_sheet(book: Workbook, layout: Sheet, rows: list[dict[str, Any]]) -> None:
    sheet = book.create_sheet(layout.name)
    assert isinstance(sheet, WriteOnlyWorksheet)
    for position, column in enumerate(layout.columns, start=1):
        # The stubs leave it out of WriteOnlyWorksheet; openpyxl has it (widths must be set before the rows).
        sheet.column_dimensions[get_column_letter(position)].width = column.width  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, column.header, bold=True) for column in layout.columns])
    for row in rows:
        sheet.append([_cell(sheet, column.write(row[column.field])) for column in layout.columns])


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, bold: bool = False) -> Cell:
    """A cell holding exactly ``value``: text that starts with ``=`` stays text (never a formula that runs when
    the file is opened), and characters XML cannot carry are dropped (openpyxl would refuse the whole file)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


# --- import ------------------------------------------------------------------------------------------------


def import_catalogue(session: Session, actor: Actor, source: IO[bytes], *, dry_run: bool) -> ImportReport:
    """Checks every row, then applies every change (through the admin services, audited) or none.

    The changes are made inside a savepoint: rolled back when any row is wrong (``InvalidInput`` then lists
    every problem as ``{sheet, row, column, cell, message}``) and for a dry run, which so reports exactly what
    a real import would do and can leave nothing behind. Otherwise the caller's unit of work commits them.
    """
    problems = Problems()
    plan = plan_import(session, read_workbook(source), problems)
    savepoint = session.begin_nested()
    try:
        changes, unchanged = apply_plan(session, actor, plan, problems)
        session.flush()
    except BaseException:
        savepoint.rollback()
        raise
    if problems or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if problems:
        raise problems.refusal()
    return ImportReport(dry_run=dry_run, changes=changes, unchanged=unchanged)
