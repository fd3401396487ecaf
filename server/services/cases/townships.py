"""网格化: the applicant's township or street (乡镇/街道), one of the configured list (ONEWINDOW_TOWNSHIPS).

A county is supervised grid by grid: each township's open, warning and overdue cases, so that a
township whose applicants wait too long shows up even when the county's totals look fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...errors import InvalidInput
from ...models import Application
from .clock import Calendar, clock_state

# A case whose township is not (or no longer) on the list, or none was recorded.
ELSEWHERE = ""


def check_township(value: str | None, townships: Sequence[str]) -> str:
    """The township as given, or "" for none; anything off the configured list is refused."""
    value = (value or "").strip()
    if not value:
        return ""
    if value not in townships:
        raise InvalidInput(
            f"乡镇（街道）“{value}”不在本地列表中 (township {value!r} is not on the configured list)",
            {"field": "township", "allowed": list(townships)},
        )
    return value


def _tile(name: str) -> dict[str, Any]:
    return {"township": name, "open": 0, "warning": 0, "overdue": 0, "level": "none"}


def _level(tile: dict[str, Any]) -> str:
    if tile["overdue"]:
        return "red"
    if tile["warning"]:
        return "yellow"
    return "green" if tile["open"] else "none"


def township_grid(
    session: Session, calendar: Calendar, now: datetime, townships: Sequence[str], open_statuses: Sequence[str]
) -> list[dict[str, Any]]:
    """One tile per configured township, in the list's order, then one for cases of no listed township
    (only when there are any): open accepted cases, those near their limit (yellow) and overdue (red)."""
    tiles = {name: _tile(name) for name in townships}
    rows = session.scalars(
        select(Application)
        .where(Application.status.in_(open_statuses), Application.accepted_at.is_not(None))
        .options(selectinload(Application.pauses))
    )
    for app in rows:
        name = app.township if app.township in tiles else ELSEWHERE
        tile = tiles.setdefault(name, _tile(name))
        level = clock_state(app, calendar, now).level
        tile["open"] += 1
        tile["warning"] += level == "yellow"
        tile["overdue"] += level == "red"
    for tile in tiles.values():
        tile["level"] = _level(tile)
    return list(tiles.values())
