"""The service catalogue as a spreadsheet: export, import (all or nothing, audited, repeatable), and hostile files."""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import asdict, replace

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from server.cli import main
from server.errors import AppError, InvalidInput
from server.models import AuditEntry, Department, MaterialType, ServiceItem
from server.services.admin import catalogue as admin
from server.services.admin import spreadsheet_read
from server.services.admin.audit import CommandLine
from server.services.admin.specs import DepartmentSpec, SlotSpec
from server.services.admin.spreadsheet import Change, export_catalogue, import_catalogue
from server.services.catalogue import get_service, list_departments, list_services, service_json

ACTOR = CommandLine("test")


@pytest.fixture
def fresh(tmp_path):
    """A second installation with an empty catalogue (its own data folder and database)."""
    from server.app import create_app
    from server.config import load_settings

    settings = load_settings({"ONEWINDOW_DATA_DIR": str(tmp_path / "fresh"), "ONEWINDOW_DEMO_PASSWORD": "x"})
    runtime = create_app(settings, migrate=True, start_jobs=False).extensions["onewindow"]
    yield runtime
    runtime.close()


def _export(runtime) -> bytes:
    out = io.BytesIO()
    with runtime.db.session() as session:
        export_catalogue(session, out)
    return out.getvalue()


def _import(runtime, data: bytes, *, dry_run: bool = False):
    with runtime.db.session() as session:
        return import_catalogue(session, ACTOR, io.BytesIO(data), dry_run=dry_run)


def _catalogue(runtime) -> dict:
    """Everything the guides show, plus what the import could have added (versions, audit entries)."""
    with runtime.db.session() as session:
        return {
            "services": {
                s.code: (service_json(s), asdict(admin.service_spec_of(s)))
                for s in list_services(session, active_only=False)
            },
            "departments": [admin.department_json(d) for d in list_departments(session)],
            "material_types": [
                admin.material_type_json(t) for t in session.scalars(select(MaterialType).order_by(MaterialType.code))
            ],
            "versions": session.scalar(select(func.count()).select_from(ServiceItem)),
            "audit": session.scalar(select(func.count()).select_from(AuditEntry)),
        }


def _edit(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column(sheet, header: str) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == header)


def _row(sheet, code: str, header: str = "编码") -> int:
    column = _column(sheet, header)
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == code)


def _cell(sheet, row: int, header: str) -> str:
    return f"{sheet.title}!{get_column_letter(_column(sheet, header))}{row}"


def test_the_demo_catalogue_imports_into_a_fresh_installation_as_the_same_guides(runtime, demo, fresh):
    with runtime.db.session() as session:  # a retired guide travels too, with its status
        minsu = admin.service_spec_of(get_service(session, "minsu"))
        admin.publish_service(session, ACTOR, replace(minsu, status="retired"))
    data = _export(runtime)
    before_fresh = _catalogue(fresh)

    report = _import(fresh, data)
    assert {(c.kind, c.action) for c in report.changes} == {
        ("department", "created"),
        ("material_type", "created"),
        ("service", "created"),
    }
    assert len(report.changes) == 6 + 12 + 5 and before_fresh["versions"] == 0
    demo_catalogue, imported = _catalogue(runtime), _catalogue(fresh)
    for part in ("services", "departments", "material_types"):
        assert imported[part] == demo_catalogue[part], part
    assert imported["services"]["minsu"][0]["status"] == "retired"
    assert imported["audit"] == len(report.changes), "each change is audited"

    again = _import(fresh, data)
    assert again.changes == [] and again.unchanged == 23
    assert _catalogue(fresh) == imported, "no new versions, no audit entries"
    assert _import(runtime, data).changes == [], "the demo's own export changes nothing in it"


def test_a_spreadsheet_with_errors_is_refused_naming_each_bad_cell_and_nothing_changes(runtime, demo):
    expected: set[str] = set()

    def spoil(book):
        depts, services, materials = book["部门"], book["事项"], book["材料清单"]
        depts.cell(2, _column(depts, "名称")).value = None
        expected.add(_cell(depts, 2, "名称"))
        row = _row(services, "minsu")
        services.cell(row, _column(services, "主管部门")).value = "ghost"
        expected.add(_cell(services, row, "主管部门"))
        row = _row(services, "food-grocery")
        services.cell(row, _column(services, "承诺时限（工作日）")).value = "五天"
        expected.add(_cell(services, row, "承诺时限（工作日）"))
        row = _row(services, "sole-trader")  # the admin service's rule: statutory days at least the promised
        services.cell(row, _column(services, "承诺时限（工作日）")).value = 10
        services.cell(row, _column(services, "法定时限（工作日）")).value = 3
        expected.add(_cell(services, row, "法定时限（工作日）"))
        materials.cell(2, _column(materials, "材料类型")).value = "no_such_type"
        expected.add(_cell(materials, 2, "材料类型"))
        materials.cell(3, _column(materials, "格式")).value = "pdf, exe"
        expected.add(_cell(materials, 3, "格式"))
        materials.cell(4, _column(materials, "必需")).value = "否"  # a key material must be required
        expected.add(_cell(materials, 4, "必要（不可容缺）"))
        materials.cell(5, _column(materials, "大小上限（MB）")).value = "big"
        expected.add(_cell(materials, 5, "大小上限（MB）"))
        materials.append([c.value for c in materials[6]])  # the same slot twice
        expected.add(_cell(materials, materials.max_row, "材料编号"))

    data = _edit(_export(runtime), spoil)
    before = _catalogue(runtime)
    for dry_run in (False, True):
        with pytest.raises(InvalidInput) as refused:
            _import(runtime, data, dry_run=dry_run)
        errors = refused.value.details["errors"]
        assert {f"{e['sheet']}!{e['cell']}" for e in errors} == expected, errors
        assert refused.value.details["total"] == len(expected)
    assert _catalogue(runtime) == before
    time_limit = next(e for e in errors if e["column"] == "承诺时限（工作日）")
    row = time_limit["row"]
    assert time_limit["message"] == f"事项 第{row}行 承诺时限（工作日）：须为正整数 (must be a whole number of days)"
    assert refused.value.status == 400


def test_a_missing_sheet_or_column_is_named(runtime, demo, fresh):
    def spoil(book):
        del book["材料类型"]
        services = book["事项"]
        services.delete_cols(_column(services, "收费"))

    with pytest.raises(InvalidInput) as refused:
        _import(fresh, _edit(_export(runtime), spoil))
    assert {(e["sheet"], e["row"], e["column"]) for e in refused.value.details["errors"]} == {
        ("材料类型", None, None),
        ("事项", 1, "收费"),
    }
    assert _catalogue(fresh)["versions"] == 0


def test_editing_one_guide_publishes_version_2_of_that_service_only(runtime, demo):
    def add_material(book):
        materials = book["材料清单"]
        materials.append(["minsu", "fire_plan", "消防疏散示意图", "floor_plan", "是", "否", "pdf", 5, "依据性", "新增"])

    before = _catalogue(runtime)
    report = _import(runtime, _edit(_export(runtime), add_material))
    assert report.changes == [Change("service", "minsu", "published", 2)]
    after = _catalogue(runtime)
    assert after["versions"] == before["versions"] + 1 and after["audit"] == before["audit"] + 1
    minsu = after["services"]["minsu"][1]
    assert minsu["materials"][-1] == asdict(
        SlotSpec("fire_plan", "消防疏散示意图", "floor_plan", True, False, ("pdf",), 5 * 1024 * 1024, "basis", "新增")
    )
    assert {code: s[0]["version"] for code, s in after["services"].items()} == {
        code: 2 if code == "minsu" else 1 for code in before["services"]
    }


def test_text_that_looks_like_a_formula_stays_text(runtime, demo, fresh):
    with runtime.db.session() as session:
        admin.save_department(session, ACTOR, DepartmentSpec("calc", "=1+2", "=HYPERLINK(1)", "CALC"), create=True)
    data = _export(runtime)
    sheet = load_workbook(io.BytesIO(data))["部门"]
    cell = sheet.cell(_row(sheet, "calc"), _column(sheet, "名称"))
    assert (cell.value, cell.data_type) == ("=1+2", "s")
    _import(fresh, data)
    with fresh.db.session() as session:
        assert session.scalar(select(Department.name).where(Department.code == "calc")) == "=1+2"


def test_a_sheet_longer_than_the_bound_is_refused(runtime, demo, fresh, monkeypatch):
    monkeypatch.setattr(spreadsheet_read, "MAX_ROWS", 5)  # the demo has 6 departments and 5 services
    with pytest.raises(InvalidInput) as refused:
        _import(fresh, _export(runtime))
    assert {(e["sheet"], e["row"]) for e in refused.value.details["errors"]} == {
        ("部门", 7),
        ("材料类型", 7),
        ("材料清单", 7),
    }


def _zip_bomb(workbook: bytes) -> bytes:
    """A real workbook plus one part of 300 MB of zeros (about 300 KB compressed)."""
    out = io.BytesIO(workbook)
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/media/image1.bin", "w") as part,
    ):
        for _ in range(300):
            part.write(chunk)
    return out.getvalue()


def _lying_zip(workbook: bytes) -> bytes:
    """The workbook with its first sheet inflating to 50 MB while its directory says a few hundred bytes."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body += b" " * (50 * 1024 * 1024)
            archive.writestr(info.filename, body)
    data = bytearray(out.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    big = (len(source.read("xl/worksheets/sheet1.xml")) + 50 * 1024 * 1024).to_bytes(4, "little")
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        name_at = {b"PK\x03\x04": 30, b"PK\x01\x02": 46}[signature]
        at = data.find(signature)
        while data[at + name_at : at + name_at + len(name)] != name:
            at = data.find(signature, at + 1)
        assert data[at + size_at : at + size_at + 4] == big
        data[at + size_at : at + size_at + 4] = (300).to_bytes(4, "little")
    return bytes(data)


def _not_a_workbook(_workbook: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    "make, status",
    [
        (lambda _: b"\x89PNG garbage " * 5000, 400),
        (lambda _: "编码,名称\nwlj,文旅局\n".encode(), 400),
        (_not_a_workbook, 400),
        (_zip_bomb, 400),
        (_lying_zip, 400),
        (lambda _: bytes(21 * 1024 * 1024), 413),
    ],
    ids=["garbage", "csv", "zip-not-xlsx", "zip-bomb", "lying-zip-directory", "too-large"],
)
def test_a_file_that_is_not_a_workbook_is_refused_promptly(runtime, demo, make, status):
    data = make(_export(runtime))
    before = _catalogue(runtime)
    started = time.monotonic()
    with pytest.raises(InvalidInput if status == 400 else AppError) as refused:
        _import(runtime, data)
    assert time.monotonic() - started < 10
    assert refused.value.status == status, refused.value
    assert _catalogue(runtime) == before


def test_the_command_line_dry_run_prints_the_changes_and_changes_nothing(tmp_path):
    runner = CliRunner()
    demo_env = {"ONEWINDOW_DATA_DIR": str(tmp_path / "demo")}
    fresh_env = {"ONEWINDOW_DATA_DIR": str(tmp_path / "fresh")}
    out = tmp_path / "catalogue.xlsx"
    assert runner.invoke(main, ["demo"], env=demo_env).exit_code == 0
    exported = runner.invoke(main, ["catalogue", "export", str(out)], env=demo_env)
    assert exported.exit_code == 0 and "5 services" in exported.output, exported.output
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []

    dry = runner.invoke(main, ["catalogue", "import", str(out), "--dry-run"], env=fresh_env)
    assert dry.exit_code == 0, dry.output
    assert "(dry run) 事项 minsu：新建 第1版 (created, version 1)" in dry.output
    assert "(dry run) 部门 wlj：新建 (created)" in dry.output
    assert "nothing was written" in dry.output
    assert runner.invoke(main, ["catalogue", "import", str(out), "--dry-run"], env=fresh_env).output == dry.output

    real = runner.invoke(main, ["catalogue", "import", str(out)], env=fresh_env)
    assert real.exit_code == 0 and "事项 minsu：新建 第1版" in real.output and "(dry run)" not in real.output
    again = runner.invoke(main, ["catalogue", "import", str(out)], env=fresh_env)
    assert again.exit_code == 0 and "nothing to change" in again.output, again.output


def test_the_command_line_names_each_bad_cell_and_refuses_a_zip_bomb(tmp_path):
    runner = CliRunner()
    env = {"ONEWINDOW_DATA_DIR": str(tmp_path / "var")}
    out = tmp_path / "catalogue.xlsx"
    assert runner.invoke(main, ["demo"], env=env).exit_code == 0
    assert runner.invoke(main, ["catalogue", "export", str(out)], env=env).exit_code == 0

    spoiled = []

    def spoil(book):
        services = book["事项"]
        services.cell(_row(services, "minsu"), _column(services, "承诺时限（工作日）")).value = "五"
        spoiled.append(_cell(services, _row(services, "minsu"), "承诺时限（工作日）"))

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_edit(out.read_bytes(), spoil))
    refused = runner.invoke(main, ["catalogue", "import", str(bad)], env=env)
    assert refused.exit_code == 1
    assert f"{spoiled[0]}: 须为正整数 (must be a whole number of days)" in refused.output, refused.output

    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_zip_bomb(out.read_bytes()))
    started = time.monotonic()
    refused = runner.invoke(main, ["catalogue", "import", str(bomb)], env=env)
    assert refused.exit_code == 1 and "64 MB" in refused.output and time.monotonic() - started < 10
