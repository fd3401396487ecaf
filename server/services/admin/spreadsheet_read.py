"""Opening an uploaded catalogue workbook without trusting it: bounded in bytes, parts, rows and columns.

An .xlsx is a zip of XML parts. Before openpyxl sees it, the file's own size and the unpacked size its
zip directory declares are checked, so a zip bomb is refused without inflating anything (Python's zipfile
never inflates a part past its declared size, so a directory that lies yields a truncated part, which
fails to parse). openpyxl then reads it in read-only mode (rows are parsed as they are asked for) with
cached values instead of formulas, and never past the row and column bounds. Anything that is not a
workbook is a 400 saying so, never a 500.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook

from ...errors import InvalidInput, PayloadTooLarge
from .spreadsheet_layout import MB, SHEETS, Sheet, normalise_header
from .spreadsheet_problems import Problem, Problems

MAX_FILE_BYTES = 20 * MB
MAX_UNPACKED_BYTES = 64 * MB
MAX_PARTS = 500
# Two thousand services of ten materials each fit; a sheet longer than this is refused.
MAX_ROWS = 20_000
MAX_COLUMNS = 64


@dataclass(frozen=True)
class SheetRows:
    layout: Sheet
    positions: dict[str, int]  # a column's field -> its place in the file (0 = A)
    rows: list[tuple[int, tuple[Any, ...]]]  # (the row's number in the sheet, its cells)


def not_a_workbook() -> InvalidInput:
    return InvalidInput(
        "不是有效的 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后再导入 "
        "(not an .xlsx workbook: save it as .xlsx in Excel or WPS and import that)",
        {"errors": [], "total": 0},
    )


def read_workbook(source: IO[bytes]) -> dict[str, SheetRows]:
    """The four sheets' rows, by sheet name; a missing sheet or column refuses the file at once."""
    data = _bounded_bytes(source)
    _check_parts(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zipfile, openpyxl and the XML parser each raise their own kinds
        raise not_a_workbook() from exc
    problems = Problems()
    try:
        sheets = {layout.name: _read_sheet(book, layout, problems) for layout in SHEETS}
    except Exception as exc:  # a damaged part shows only when its rows are parsed
        raise not_a_workbook() from exc
    finally:
        book.close()
    if problems:
        raise problems.refusal()
    return {name: rows for name, rows in sheets.items() if rows is not None}


def _bounded_bytes(source: IO[bytes]) -> bytes:
    chunks, size = [], 0
    while size <= MAX_FILE_BYTES:
        chunk = source.read(MAX_FILE_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_FILE_BYTES:
        raise PayloadTooLarge(
            f"工作簿超过 {MAX_FILE_BYTES // MB} MB (the workbook is larger than {MAX_FILE_BYTES // MB} MB)"
        )
    return b"".join(chunks)


def _check_parts(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise not_a_workbook() from exc
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise InvalidInput(
            f"工作簿解压后超过 {MAX_UNPACKED_BYTES // MB} MB 或部件过多，不予读取 "
            f"(the workbook unpacks to more than {MAX_UNPACKED_BYTES // MB} MB or has too many parts; not read)",
            {"errors": [], "total": 0},
        )


def _read_sheet(book: Any, layout: Sheet, problems: Problems) -> SheetRows | None:
    if layout.name not in book.sheetnames:
        problems.add(Problem(layout.name, None, None, "缺少此工作表 (the sheet is missing)"))
        return None
    cells = book[layout.name].iter_rows(min_row=1, max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
    positions = _positions(next(cells, ()), layout, problems)
    rows = []
    for number, values in enumerate(cells, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if number > MAX_ROWS + 1:
            problems.add(Problem(layout.name, number, None, f"最多 {MAX_ROWS} 行 (at most {MAX_ROWS} rows)"))
            break
        rows.append((number, tuple(values)))
    return SheetRows(layout, positions, rows)


def _positions(header: tuple[Any, ...], layout: Sheet, problems: Problems) -> dict[str, int]:
    """Where each column is: any order will do, and columns the catalogue does not know are ignored."""
    found: dict[str, int] = {}
    for position, value in enumerate(header):
        name = normalise_header(value)
        if not name:
            continue
        if name in found:
            problems.add(Problem(layout.name, 1, name, "此列出现两次 (the column appears twice)", position))
        found.setdefault(name, position)
    positions = {}
    for column in layout.columns:
        at = found.get(normalise_header(column.header))
        if at is None:
            problems.add(Problem(layout.name, 1, column.header, "缺少此列 (the column is missing)"))
        else:
            positions[column.field] = at
    return positions
