"""The catalogue spreadsheet's layout: its four sheets, their columns, and how each value is written and read.

One table drives both directions, so what the export writes the import reads back as the same specs (and
an unchanged file publishes nothing). Every column reads codes and the Chinese words people type: a
boolean is 是/否 (yes/no, true/false, 1/0 also do), a retention 永久/30年/10年 (or permanent/30y/10y), a
status 受理中/已停止受理 (or published/retired), an archival class 依据性/程序性/结果性 (or basis/…), a
list its items separated by commas (, ， 、 ; and spaces all do).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...models import RETENTION_LABELS
from ...vocabulary import MaterialClass, ServiceStatus

MB = 1024 * 1024
# The database keeps a slot's size limit in a 32-bit integer.
MAX_SLOT_BYTES = 2**31 - 1
LONG_TEXT = 10_000
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_BAD_IN_CODE = re.compile(r"[\s,，、;；/\\\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_YES = {"是", "yes", "y", "true", "1", "√"}
_NO = {"否", "no", "n", "false", "0", "×"}


class CellProblem(ValueError):
    """A cell that cannot be read as its column says; the message is plain Chinese with English in parentheses."""


Reader = Callable[[Any], Any]
Writer = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    read: Reader
    write: Writer
    # What a bad cell stands for while the rest of its row is checked (it is never written: the import stops).
    fallback: Any = ""
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column | None:
        return next((c for c in self.columns if c.field == field), None)


# --- reading cells -----------------------------------------------------------------------------------------


def _text_of(value: Any) -> str:
    """A cell as text: numbers typed into a text column (a code such as 110) read as they show."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def text(max_length: int, *, required: bool = False) -> Reader:
    def read(value: Any) -> str:
        out = _text_of(value)
        if required and not out:
            raise CellProblem("必填 (required)")
        if len(out) > max_length:
            raise CellProblem(f"不能超过{max_length}个字符 (at most {max_length} characters)")
        if _CONTROL.search(out):
            raise CellProblem("不能含控制字符 (must not contain control characters)")
        return out

    return read


def code(max_length: int) -> Reader:
    """A code: required, and free of spaces, commas and slashes (codes are in URLs and comma-separated lists)."""
    read_text = text(max_length, required=True)

    def read(value: Any) -> str:
        out = read_text(value)
        if _BAD_IN_CODE.search(out):
            raise CellProblem("编码不能含空格、逗号、斜杠 (a code cannot contain spaces, commas or slashes)")
        return out

    return read


def code_list(max_length: int) -> Reader:
    read_code = code(max_length)

    def read(value: Any) -> tuple[str, ...]:
        return tuple(read_code(item) for item in _SEPARATORS.split(_text_of(value)) if item)

    return read


def format_list(value: Any) -> tuple[str, ...]:
    """File formats such as ``pdf, jpg``; which formats exist is the admin service's rule."""
    items = [item.lstrip(".").lower() for item in _SEPARATORS.split(_text_of(value)) if item.lstrip(".")]
    if not items:
        raise CellProblem("必填，如 pdf, jpg (required, e.g. pdf, jpg)")
    if any(len(item) > 16 for item in items):
        raise CellProblem("格式名过长 (a format name is too long)")
    return tuple(dict.fromkeys(items))


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _text_of(value).lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellProblem("须填 是 或 否 (must be 是 or 否: yes or no)")


def _number(value: Any) -> float | None:
    """A number cell or a number typed as text; None when empty, NaN when it is not a number."""
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    word = _text_of(value)
    if not word:
        return None
    try:
        return float(word)
    except ValueError:
        return math.nan


def days(*, required: bool) -> Reader:
    def read(value: Any) -> int | None:
        number = _number(value)
        if number is None and not required:
            return None
        if number is None or not (number.is_integer() and 1 <= number <= 100_000):
            raise CellProblem("须为正整数 (must be a whole number of days)")
        return int(number)

    return read


def megabytes(value: Any) -> int:
    number = _number(value)
    size = round(number * MB) if number is not None and 0 < number < 4096 else 0
    if not 1 <= size <= MAX_SLOT_BYTES:
        raise CellProblem("须为大于0、小于2048的数 (a number of MB above 0 and below 2048)")
    return size


def choice(labels: dict[str, str], default: str | None) -> Reader:
    """A code or its Chinese word; an empty cell is ``default`` (required when there is none)."""
    by_word = {**{label: key for key, label in labels.items()}, **{key.lower(): key for key in labels}}

    def read(value: Any) -> str:
        word = _text_of(value)
        if not word and default is not None:
            return default
        found = by_word.get(word) or by_word.get(word.lower())
        if found is None:
            words = "、".join(labels.values())
            raise CellProblem(f"须为 {words} 之一 (one of {', '.join(labels)})")
        return found

    return read


# --- writing cells -----------------------------------------------------------------------------------------


def as_is(value: Any) -> Any:
    return value


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def joined(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def in_megabytes(size: int) -> int | float:
    """Whole megabytes as an integer; any other size exactly (a power-of-two division loses nothing)."""
    return size // MB if size % MB == 0 else size / MB


def label_of(labels: dict[str, str]) -> Writer:
    return lambda key: labels.get(key, key)


# --- the four sheets ---------------------------------------------------------------------------------------

STATUS_LABELS = {s.value: s.label for s in (ServiceStatus.PUBLISHED, ServiceStatus.RETIRED)}
CLASS_LABELS = {c.value: c.label for c in MaterialClass}

DEPARTMENTS = Sheet(
    "部门",
    (
        Column("编码", "code", code(32), as_is, width=14),
        Column("名称", "name", text(200, required=True), as_is, width=24),
        Column("英文名称", "name_en", text(200), as_is, width=30),
        Column("机构代码", "org_code", text(32), as_is, width=12),
    ),
)

MATERIAL_TYPES = Sheet(
    "材料类型",
    (
        Column("编码", "code", code(64), as_is, width=20),
        Column("名称", "name", text(200, required=True), as_is, width=24),
        Column("英文名称", "name_en", text(200), as_is, width=30),
        Column("可共享", "shared", boolean, yes_no, False, width=8),
        Column("有效天数", "valid_days", days(required=False), as_is, None, width=10),
    ),
)

SERVICES = Sheet(
    "事项",
    (
        Column("编码", "code", code(64), as_is, width=16),
        Column("名称", "name", text(200, required=True), as_is, width=24),
        Column("英文名称", "name_en", text(200), as_is, width=30),
        Column("主管部门", "department", code(32), as_is, width=10),
        Column("办理条件", "conditions", text(LONG_TEXT), as_is, width=40),
        Column("设定依据", "legal_basis", text(LONG_TEXT), as_is, width=40),
        Column("承诺时限（工作日）", "time_limit_days", days(required=True), as_is, 1, width=10),
        Column("法定时限（工作日）", "statutory_days", days(required=False), as_is, None, width=10),
        Column("收费", "fees", text(LONG_TEXT, required=True), as_is, width=12),
        Column("保管期限", "retention", choice(RETENTION_LABELS, None), label_of(RETENTION_LABELS), "30y", width=10),
        Column("办理地点", "location", text(200), as_is, width=30),
        Column("协办部门", "cooperating_departments", code_list(32), joined, (), width=20),
        Column("状态", "status", choice(STATUS_LABELS, "published"), label_of(STATUS_LABELS), "published", width=12),
        Column("事项简介", "summary", text(LONG_TEXT), as_is, width=40),
    ),
)

MATERIALS = Sheet(
    "材料清单",
    (
        Column("事项编码", "service", code(64), as_is, width=16),
        Column("材料编号", "slot", code(64), as_is, width=18),
        Column("材料名称", "name", text(200, required=True), as_is, width=28),
        Column("材料类型", "material_type", code(64), as_is, width=18),
        Column("必需", "required", boolean, yes_no, True, width=8),
        Column("必要（不可容缺）", "key", boolean, yes_no, False, width=10),
        Column("格式", "formats", format_list, joined, ("pdf",), width=16),
        Column("大小上限（MB）", "max_bytes", megabytes, in_megabytes, 20 * MB, width=10),
        Column("档案类别", "material_class", choice(CLASS_LABELS, "basis"), label_of(CLASS_LABELS), "basis", width=10),
        Column("备注", "note", text(LONG_TEXT), as_is, width=30),
    ),
)

SHEETS = (DEPARTMENTS, MATERIAL_TYPES, SERVICES, MATERIALS)


def normalise_header(header: Any) -> str:
    """Headers match whatever the parentheses' width and the spaces typed: 承诺时限(工作日) is 承诺时限（工作日）."""
    return re.sub(r"\s+", "", _text_of(header)).replace("(", "（").replace(")", "）")
