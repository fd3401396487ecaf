"""The service guide form: its fields and its materials rows, read from a post or from a published version.

Rows are added and removed by submit buttons that re-render the form (no script needed, nothing saved):
"添加一行" appends an empty row, "删除此行" drops one. An empty row (no slot, name or type) is ignored,
so the form can always offer one. The services number the materials they check (``materials.2.formats``)
over the rows that are not empty; ``errors`` turns those numbers back into the rows on the page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from flask import request
from flask_babel import gettext as _

from ...errors import AppError
from ...models import ServiceItem
from ...services.admin.catalogue import service_spec_of
from ...services.admin.specs import ServiceSpec, SlotSpec
from ...vocabulary import ItemType, Openness, Secrecy
from .forms import checked, field_errors, refuse_if, text, whole_number

MB = 1024 * 1024
MAX_ROWS = 200
TEXT_FIELDS = ("name", "name_en", "summary", "conditions", "legal_basis", "fees", "location")
# The DA/T 46 elements the service's dossiers take (事项编码, 事项类型, 密级, 保密期限, 开放状态).
ARCHIVAL_FIELDS = ("item_code", "item_type", "secrecy", "openness")
FIELDS = (
    *TEXT_FIELDS,
    *ARCHIVAL_FIELDS,
    "code",
    "department",
    "retention",
    "time_limit_days",
    "statutory_days",
    "secrecy_years",
)
ROW_FIELDS = ("slot", "name", "material_type", "required", "key", "formats", "max_mb", "material_class", "note")


@dataclass(frozen=True)
class Row:
    """One line of the materials list as the form shows it (the size in MB, as people think of it)."""

    slot: str = ""
    name: str = ""
    material_type: str = ""
    required: bool = True
    key: bool = True
    formats: tuple[str, ...] = ("pdf",)
    max_mb: str = "20"
    material_class: str = "basis"
    note: str = ""

    @property
    def blank(self) -> bool:
        return not (self.slot or self.name or self.material_type)


@dataclass
class ServiceForm:
    values: dict[str, Any] = field(default_factory=dict)
    cooperating: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)

    @classmethod
    def empty(cls) -> ServiceForm:
        defaults = {"item_type": "licensing", "secrecy": "public", "openness": "controlled"}
        return cls({"retention": "30y", "fees": "不收费", "time_limit_days": 5, **defaults}, (), [Row(), Row()])

    @classmethod
    def of_service(cls, service: ServiceItem) -> ServiceForm:
        spec = service_spec_of(service)
        rows = [_row_of(slot) for slot in spec.materials]
        return cls(asdict(spec), spec.cooperating_departments, [*rows, Row()])

    @classmethod
    def posted(cls) -> ServiceForm:
        """The form as sent, after its "添加一行" / "删除此行" button if one was pressed."""
        count = min(_count(), MAX_ROWS)
        rows = [_posted_row(i) for i in range(count)]
        op = request.form.get("op", "save")
        if op == "add":
            rows.append(Row())
        elif op.startswith("remove-") and op[7:].isdigit() and int(op[7:]) < len(rows):
            del rows[int(op[7:])]
        values = {name: request.form.get(name, "") for name in FIELDS}
        return cls(values, tuple(request.form.getlist("cooperating_departments")), rows or [Row()])

    def spec(self, code: str, status: str) -> ServiceSpec:
        """The guide a posted form asks for; numbers that are not numbers are refused by field first."""
        problems: dict[str, str] = {}
        time_limit = whole_number("time_limit_days", problems)
        statutory = whole_number("statutory_days", problems, optional=True)
        secrecy_years = whole_number("secrecy_years", problems, optional=True)
        materials = []
        for i, row in self._filled():
            materials.append(_slot_spec(row, f"materials-{i}-max_mb", problems))
        refuse_if(problems)
        return ServiceSpec(
            code=code,
            department=text("department", 32),
            time_limit_days=time_limit or 0,
            statutory_days=statutory,
            retention=text("retention", 16),
            cooperating_departments=self.cooperating,
            materials=tuple(materials),
            status=status,
            item_code=text("item_code", 64),
            # A form from before these fields existed (or a script) leaves them empty: the defaults.
            item_type=text("item_type", 24) or ItemType.LICENSING,
            secrecy=text("secrecy", 16) or Secrecy.PUBLIC,
            secrecy_years=secrecy_years,
            openness=text("openness", 16) or Openness.CONTROLLED,
            **{name: text(name, 4000) for name in TEXT_FIELDS},
        )

    def errors(self, error: AppError | None) -> dict[str, str]:
        """Each problem under the name of its input: ``materials.1.formats`` → the second filled row's."""
        filled = [i for i, _row in self._filled()]
        out = {}
        for name, problem in field_errors(error).items():
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "materials" and parts[1].isdigit() and int(parts[1]) < len(filled):
                input_name = "max_mb" if parts[2] == "max_bytes" else parts[2]
                name = f"materials-{filled[int(parts[1])]}-{input_name}"
            out[name] = problem
        return out

    def input_names(self) -> set[str]:
        rows = {f"materials-{i}-{name}" for i in range(len(self.rows)) for name in ROW_FIELDS}
        return {*FIELDS, "cooperating_departments", *rows}

    def _filled(self) -> list[tuple[int, Row]]:
        return [(i, row) for i, row in enumerate(self.rows) if not row.blank]


def _count() -> int:
    raw = request.form.get("rows", "0")
    return int(raw) if raw.isdigit() else 0


def _posted_row(i: int) -> Row:
    prefix = f"materials-{i}-"
    return Row(
        slot=text(prefix + "slot", 64),
        name=text(prefix + "name", 200),
        material_type=text(prefix + "material_type", 64),
        required=checked(prefix + "required"),
        key=checked(prefix + "key"),
        formats=tuple(request.form.getlist(prefix + "formats")),
        max_mb=text(prefix + "max_mb", 20),
        material_class=text(prefix + "material_class", 16),
        note=text(prefix + "note", 2000),
    )


def _row_of(slot: SlotSpec) -> Row:
    return Row(
        slot=slot.slot,
        name=slot.name,
        material_type=slot.material_type,
        required=slot.required,
        key=slot.key,
        formats=slot.formats,
        max_mb=f"{slot.max_bytes / MB:g}",
        material_class=slot.material_class,
        note=slot.note,
    )


def _slot_spec(row: Row, size_input: str, problems: dict[str, str]) -> SlotSpec:
    try:
        max_bytes = round(float(row.max_mb) * MB)
    except ValueError:
        max_bytes = 0
    if max_bytes <= 0:
        problems[size_input] = _("请填写大于0的数字")
    return SlotSpec(
        slot=row.slot,
        name=row.name,
        material_type=row.material_type,
        required=row.required,
        key=row.key,
        formats=row.formats,
        max_bytes=max_bytes,
        material_class=row.material_class,
        note=row.note,
    )
