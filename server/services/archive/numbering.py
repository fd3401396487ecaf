"""Archival codes (档号, DA/T 22) without gaps within each code group."""

from __future__ import annotations

import string
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...models import ArchivalSequence, Dossier

# DA/T 22 retention codes: 永久 Y, 定期30年 D30, 定期10年 D10.
RETENTION_CODES = {"permanent": "Y", "30y": "D30", "10y": "D10"}
SCHEME_FIELDS = ("fonds", "category", "year", "retention", "org", "number")


@dataclass(frozen=True)
class CodeParts:
    """The parts a 档号 may be made of, besides its item number."""

    fonds: str
    category: str
    year: int
    retention: str
    org_code: str

    def field_values(self) -> dict[str, object]:
        return {
            "fonds": self.fonds,
            "category": self.category,
            "year": self.year,
            "retention": self.retention,
            "org": self.org_code,
        }


def scheme_fields(scheme: str) -> set[str]:
    """The fields a scheme names; anything but SCHEME_FIELDS, or no {number}, is a configuration mistake."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(scheme) if name is not None}
    except ValueError as exc:
        raise InvalidInput(f"档号方案无效 (ONEWINDOW_ARCHIVAL_CODE_SCHEME is not a format string): {exc}") from exc
    unknown = names - set(SCHEME_FIELDS)
    if unknown or "number" not in names:
        raise InvalidInput(
            f"档号方案须含 {{number}}，只能用 {', '.join(SCHEME_FIELDS)} "
            f"(ONEWINDOW_ARCHIVAL_CODE_SCHEME: unknown fields {sorted(unknown)} or no {{number}})"
        )
    return names


def code_group(scheme: str, parts: CodeParts) -> str:
    """The group numbers run in: the parts the scheme prints. Two dossiers of one group differ only in the
    number, so numbering per group gives distinct codes; a part the scheme leaves out (the organisation,
    say) does not split the run."""
    used = scheme_fields(scheme)
    values = parts.field_values()
    return ";".join(f"{name}={values[name]}" for name in sorted(values) if name in used)


def next_number(session: Session, scheme: str, parts: CodeParts) -> tuple[str, int]:
    """Takes the next item number of the dossier's code group in the caller's transaction.

    The row is locked (FOR UPDATE on PostgreSQL; SQLite serialises writers), so
    two sealings never take the same number, and a rollback returns it.
    """
    group = code_group(scheme, parts)
    row = session.scalar(select(ArchivalSequence).filter_by(code_group=group).with_for_update())
    if row is None:
        row = ArchivalSequence(
            code_group=group,
            fonds=parts.fonds,
            year=parts.year,
            retention=parts.retention,
            org_code=parts.org_code,
            last_number=0,
        )
        session.add(row)
        session.flush()
    row.last_number += 1
    session.flush()
    return group, row.last_number


def format_code(scheme: str, parts: CodeParts, number: int) -> str:
    values = parts.field_values()
    values["retention"] = RETENTION_CODES.get(parts.retention, parts.retention)
    return scheme.format(number=number, **values)


def numbering_gaps(session: Session, dossier: Dossier) -> list[int]:
    """Item numbers missing below the highest one taken in the dossier's code group (its versions share one)."""
    numbers = set(session.scalars(select(Dossier.item_number).where(Dossier.code_group == dossier.code_group)))
    numbers.add(dossier.item_number)  # a dossier being sealed may not be flushed yet
    return sorted(set(range(1, max(numbers, default=0) + 1)) - numbers)
