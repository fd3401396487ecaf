"""What every admin form does: read typed fields from the post, save through one service call, and on a
refusal show each problem next to its field.

The services name problems by field (``details["fields"]``: ``name``, ``materials.2.formats``); the
pages keep those names for their inputs, so a problem finds its input without a translation table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ...errors import AppError, Conflict, InvalidInput, NotFound
from ...web.context import db_session

# The services' one-word problems, said in full on the page.
SHORT_PROBLEMS = {"taken": _l("已被使用"), "required": _l("必填"), "invalid": _l("格式不正确")}


@dataclass(frozen=True)
class Done:
    """What a saved form says (flashed) and where it goes next."""

    message: str
    url: str


def save(action: Callable[[Session], Done], *, refused: Callable[[AppError], Any]):
    """Like ``web.actions.run_action``, but the message depends on what the save did ("已发布第2版",
    "没有变化"): a refusal re-renders the form with nothing saved, success commits and redirects (303)."""
    session = db_session()
    try:
        done = action(session)
    except (Conflict, InvalidInput) as error:
        session.rollback()
        return refused(error)
    session.commit()
    flash(done.message, "ok")
    return redirect(done.url, 303)


def field_errors(error: AppError | None) -> dict[str, str]:
    """The problem of each field, by the field's name; empty without an error."""
    if error is None:
        return {}
    fields = error.details.get("fields") or {}
    return {str(name): str(SHORT_PROBLEMS.get(problem, problem)) for name, problem in fields.items()}


def text(name: str, limit: int = 2000) -> str:
    return request.form.get(name, "").strip()[:limit]


def checked(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true", "yes")


def whole_number(name: str, problems: dict[str, str], *, optional: bool = False) -> int | None:
    """The field as an integer; a problem under its name when it is not one (or empty, unless optional)."""
    raw = text(name, 20)
    if not raw and optional:
        return None
    try:
        return int(raw)
    except ValueError:
        problems[name] = _("请填写整数")
        return None


def refuse_if(problems: dict[str, str]) -> None:
    """Problems the page itself found (a number that is not one) are refused like the services' own."""
    if problems:
        raise InvalidInput(_("表单有误，请逐项修改"), {"fields": problems})


def find(rows: list, code: str, what_zh: str, what_en: str) -> Any:
    """The row with this code, or the 404 page."""
    for row in rows:
        if row.code == code:
            return row
    raise NotFound(f"没有{what_zh} {code} (no {what_en} {code})")
