"""The working-day calendar: public holidays and weekend days worked in exchange (调休)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import Holiday


def list_days(session: Session, year: int | None = None) -> list[Holiday]:
    query = select(Holiday).order_by(Holiday.day)
    if year is not None:
        query = query.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(session.scalars(query))


def set_day(session: Session, day: date, *, working: bool, name: str = "") -> Holiday:
    """Marks a day as a holiday (working=False) or as a worked weekend day (working=True)."""
    if not working and day.weekday() >= 5:
        raise InvalidInput(f"{day} 是周末，本来就不是工作日 ({day} is a weekend day already)")
    if working and day.weekday() < 5:
        raise InvalidInput(f"{day} 是工作日，无须调休 ({day} is a weekday already)")
    row = session.scalar(select(Holiday).where(Holiday.day == day))
    if row is None:
        row = Holiday(day=day)
        session.add(row)
    row.working, row.name = working, name
    return row


def clear_day(session: Session, day: date) -> None:
    row = session.scalar(select(Holiday).where(Holiday.day == day))
    if row is not None:
        session.delete(row)
