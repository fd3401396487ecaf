"""What is wrong with an imported catalogue, cell by cell, gathered so one refusal names every problem."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from ...errors import InvalidInput
from .spreadsheet_layout import SHEETS

# A refusal lists this many problems at most (a wrong file can have one in every cell); the total is given.
MAX_LISTED = 1000
_SHEET_ORDER = {sheet.name: i for i, sheet in enumerate(SHEETS)}


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None  # the header, as the sheet names it
    problem: str  # plain Chinese, English in parentheses
    position: int | None = None  # the column's place in the file (0 = A), when the file has it

    @property
    def cell(self) -> str | None:
        if self.row is None or self.position is None:
            return None
        return f"{get_column_letter(self.position + 1)}{self.row}"

    @property
    def where(self) -> str:
        """``事项!E5`` for a cell; ``事项 第5行`` for a row; the sheet alone for the sheet."""
        if self.cell is not None:
            return f"{self.sheet}!{self.cell}"
        return self.sheet + (f" 第{self.row}行" if self.row is not None else "")

    @property
    def sentence(self) -> str:
        """``事项 第5行 承诺时限（工作日）：须为正整数 (must be a whole number of days)``."""
        place = self.sheet + (f" 第{self.row}行" if self.row is not None else "")
        return f"{place}{f' {self.column}' if self.column else ''}：{self.problem}"

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "message": self.sentence,
            "problem": self.problem,
        }


class Problems:
    """The problems found so far, one per cell: the first found (the sheet's own check) is kept."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, int | None, str | None], Problem] = {}

    def add(self, problem: Problem) -> None:
        self._found.setdefault((problem.sheet, problem.row, problem.column), problem)

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def sorted(self) -> list[Problem]:
        return sorted(
            self._found.values(),
            key=lambda p: (_SHEET_ORDER.get(p.sheet, 99), p.row or 0, p.position if p.position is not None else -1),
        )

    def refusal(self) -> InvalidInput:
        """The error that refuses the whole file: nothing is changed unless every row is valid."""
        problems = self.sorted()
        count = len(problems)
        return InvalidInput(
            f"表格有 {count} 处错误，未做任何修改 ({count} problems in the spreadsheet; nothing was changed)",
            {"errors": [p.as_json() for p in problems[:MAX_LISTED]], "total": len(problems)},
        )
