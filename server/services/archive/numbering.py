"""Archival codes (档号) without gaps."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import ArchivalSequence

# DA/T 22 retention codes: 永久 Y, 定期30年 D30, 定期10年 D10.
RETENTION_CODES = {"permanent": "Y", "30y": "D30", "10y": "D10"}


def next_number(session: Session, fonds: str, year: int, retention: str, org_code: str) -> int:
    """Takes the next item number in the caller's transaction.

    The row is locked (FOR UPDATE on PostgreSQL; SQLite serialises writers), so
    two sealings never take the same number, and a rollback returns it.
    """
    key = {"fonds": fonds, "year": year, "retention": retention, "org_code": org_code}
    row = session.scalar(select(ArchivalSequence).filter_by(**key).with_for_update())
    if row is None:
        row = ArchivalSequence(**key, last_number=0)
        session.add(row)
        session.flush()
    row.last_number += 1
    session.flush()
    return row.last_number


def format_code(scheme: str, *, fonds: str, year: int, retention: str, org_code: str, number: int) -> str:
    return scheme.format(
        fonds=fonds, year=year, retention=RETENTION_CODES.get(retention, retention), org=org_code, number=number
    )
