"""Review at the window: per-slot verdicts, and one of accept / accept with gap / correct / reject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput
from ...models import Application, User, utcnow
from ...runtime import Runtime
from ...timeutil import local
from ...vocabulary import EventAction, NoticeKind, Status
from . import events, policy
from .acceptance import Acceptance, accept
from .applying import current_materials, missing_slots
from .clock import Calendar
from .handling import archive_case
from .verification import record_verdict

DECISIONS = ("accept", "accept_with_gap", "correct", "reject")


@dataclass(frozen=True)
class GapDeadlines:
    """When each deferred item is owed: per slot, or one date for all; by default the promised date."""

    per_item: dict[str, date] | None = None
    every_item: date | None = None


def _verdicts(app: Application, raw: Any) -> dict[str, tuple[bool, str]]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise InvalidInput("verdicts 须为列表 (verdicts must be a list of {slot, ok, reason})")
    slots = {s.slot for s in app.service.materials}
    out: dict[str, tuple[bool, str]] = {}
    for item in raw:
        if not isinstance(item, dict) or "slot" not in item or not isinstance(item.get("ok"), bool):
            raise InvalidInput("每条意见须含 slot 与 ok (each verdict needs slot and ok)", {"verdict": item})
        if item["slot"] not in slots:
            raise InvalidInput(f"没有材料项 {item['slot']!r} (no slot {item['slot']!r})", {"slots": sorted(slots)})
        reason = str(item.get("reason") or "").strip()
        if not item["ok"] and not reason:
            raise InvalidInput(
                f"材料 {item['slot']} 不通过须说明原因 (a failed verdict needs a reason)", {"slot": item["slot"]}
            )
        out[item["slot"]] = (item["ok"], reason)
    return out


def review(
    session: Session,
    runtime: Runtime,
    user: User,
    app: Application,
    *,
    decision: str,
    verdicts: Any = None,
    note: str = "",
    gap_deadline: date | None = None,
    gap_deadlines: dict[str, date] | None = None,
    calendar: Calendar | None = None,
) -> Application:
    policy.require(user, app, policy.Action.REVIEW)
    if decision not in DECISIONS:
        raise InvalidInput(
            f"decision 须为 {' / '.join(DECISIONS)} (unknown decision {decision!r})", {"allowed": list(DECISIONS)}
        )
    given = _verdicts(app, verdicts)
    now = utcnow()
    failed = _record_verdicts(app, user, given, now)
    if decision == "correct":
        _request_correction(session, user, app, failed, note)
    elif decision == "reject":
        _reject(session, runtime, user, app, note, now)
    else:
        _accept(
            session,
            user,
            app,
            EventAction(decision),
            failed=failed,
            note=note,
            now=now,
            deadlines=GapDeadlines(gap_deadlines, gap_deadline),
            calendar=calendar,
        )
    return app


def _record_verdicts(app: Application, user: User, given: dict[str, tuple[bool, str]], now: datetime) -> dict[str, str]:
    """Writes the clerk's verdicts on the current materials; returns the failed slots with their reasons."""
    materials = current_materials(app)
    types = {s.slot: s.material_type for s in app.service.materials}
    for slot, (ok, reason) in given.items():
        if slot in materials:
            record_verdict(materials[slot], user, ok, reason, now, types.get(slot))
    return {slot: reason for slot, (ok, reason) in given.items() if not ok}


def _request_correction(session: Session, user: User, app: Application, failed: dict[str, str], note: str) -> None:
    """ONE notice naming every failed and every missing material (一次性告知)."""
    names = {s.slot: s for s in app.service.materials}
    items = [{"slot": s, "name": names[s].name, "reason": r} for s, r in failed.items()]
    items += [
        {"slot": s.slot, "name": s.name, "reason": "未提交 (missing)"}
        for s in missing_slots(app)
        if s.slot not in failed and s.slot not in app.gap_slots
    ]
    if not items:
        raise InvalidInput("一次性告知须列出至少一项需补正的材料 (a correction notice needs at least one failed slot)")
    events.notice(session, app, NoticeKind.CORRECTION, user, items=items, note=note)
    events.transition(
        session, app, user, EventAction.REQUEST_CORRECTION, Status.NEEDS_CORRECTION, note=note, data={"items": items}
    )


def _reject(session: Session, runtime: Runtime, user: User, app: Application, note: str, now: datetime) -> None:
    if not note.strip():
        raise InvalidInput("不予受理须说明理由 (a rejection needs a reason in note)", {"field": "note"})
    events.notice(session, app, NoticeKind.REJECTION, user, note=note)
    app.decided_at = app.completed_at = now
    app.outcome = Status.REJECTED
    events.transition(session, app, user, EventAction.REJECT, Status.REJECTED, note=note)
    # A rejected case is archived too: the rejection and its reasons are a record.
    archive_case(session, runtime, user, app)


def _gap(app: Application, decision: EventAction, failed: dict[str, str]) -> list[str]:
    """The slots accepted with a gap (容缺); refuses an acceptance the materials do not allow."""
    names = {s.slot: s for s in app.service.materials}
    gap = sorted(
        set(app.gap_slots) | {s for s in failed if not names[s].key} | {s.slot for s in missing_slots(app) if not s.key}
    )
    key_problems = [s for s in failed if names[s].key] + [s.slot for s in missing_slots(app) if s.key]
    if key_problems:
        raise Conflict(
            "必要材料不齐全或不合格，不能受理；请发一次性告知 (key materials are missing or failed: "
            "send a correction notice instead)",
            {"slots": key_problems},
        )
    if decision == EventAction.ACCEPT and gap:
        raise Conflict(
            "仍有材料缺失或不合格，请选择容缺受理或一次性告知 (materials are still missing or failed: "
            "accept with gap or request correction)",
            {"slots": gap},
        )
    if decision == EventAction.ACCEPT_WITH_GAP and not gap:
        raise InvalidInput("没有缺失材料，请直接受理 (nothing is missing: use accept)")
    return gap


def _accept(
    session: Session,
    user: User,
    app: Application,
    decision: EventAction,
    *,
    failed: dict[str, str],
    note: str,
    now: datetime,
    deadlines: GapDeadlines,
    calendar: Calendar | None,
) -> None:
    """Accepts (with a gap if one is allowed). A material without a verdict keeps its level: accepting the case
    is not the clerk's word that they checked that copy against its original."""
    gap = _gap(app, decision, failed)
    how = Acceptance(
        decision,
        gap,
        accepted_at=now,
        today=local(now).date(),
        note=note,
        reasons=failed,
        gap_deadlines=deadlines.per_item,
        gap_deadline=deadlines.every_item,
    )
    accept(session, user, app, how, calendar or Calendar.load(session))
