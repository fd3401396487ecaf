"""Review at the window: per-slot verdicts, and one of accept / accept with gap / correct / reject."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput
from ...models import Application, User, utcnow
from ...runtime import Runtime
from ...timeutil import local
from . import events, policy
from .applying import current_materials, missing_slots
from .clock import Calendar
from .handling import archive_case

DECISIONS = ("accept", "accept_with_gap", "correct", "reject")
GAP_DAYS_DEFAULT = 10


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
            raise InvalidInput(f"材料 {item['slot']} 不通过须说明原因 (a failed verdict needs a reason)",
                               {"slot": item["slot"]})
        out[item["slot"]] = (item["ok"], reason)
    return out


def review(session: Session, runtime: Runtime, user: User, app: Application, *, decision: str, verdicts: Any = None,
           note: str = "", gap_deadline: date | None = None, calendar: Calendar | None = None) -> Application:
    policy.require_view(user, app)
    policy.require_role(user, "clerk", action="review")
    policy.require_status(app, "submitted", action="review")
    if decision not in DECISIONS:
        raise InvalidInput(f"decision 须为 {' / '.join(DECISIONS)} (unknown decision {decision!r})",
                           {"allowed": list(DECISIONS)})
    given = _verdicts(app, verdicts)
    materials = current_materials(app)
    now = utcnow()
    for slot, (ok, reason) in given.items():
        if slot in materials:
            material = materials[slot]
            material.verdict_ok, material.verdict_reason = ok, reason
            material.verified_by, material.verified_at = user.display_name, now
    failed = {slot: reason for slot, (ok, reason) in given.items() if not ok}
    names = {s.slot: s for s in app.service.materials}

    if decision == "correct":
        items = [{"slot": s, "name": names[s].name, "reason": r} for s, r in failed.items()]
        items += [{"slot": s.slot, "name": s.name, "reason": "未提交 (missing)"} for s in missing_slots(app)
                  if s.slot not in failed and s.slot not in app.gap_slots]
        if not items:
            raise InvalidInput("一次性告知须列出至少一项需补正的材料 (a correction notice needs at least one failed slot)")
        events.notice(session, app, "correction", user, items=items, note=note)
        events.transition(session, app, user, "request_correction", "needs_correction", note=note,
                          data={"items": items})
        return app

    if decision == "reject":
        if not note.strip():
            raise InvalidInput("不予受理须说明理由 (a rejection needs a reason in note)", {"field": "note"})
        events.notice(session, app, "rejection", user, note=note)
        app.decided_at = app.completed_at = now
        app.outcome = "rejected"
        events.transition(session, app, user, "reject", "rejected", note=note)
        # A rejected case is archived too: the rejection and its reasons are a record.
        archive_case(session, runtime, user, app)
        return app

    # accept / accept_with_gap: every uploaded material is checked against the original now.
    for slot, material in materials.items():
        if slot not in given:
            material.verdict_ok, material.verified_by, material.verified_at = True, user.display_name, now
    gap = sorted(set(app.gap_slots) | {s for s in failed if not names[s].key}
                 | {s.slot for s in missing_slots(app) if not s.key})
    key_problems = [s for s in failed if names[s].key] + [s.slot for s in missing_slots(app) if s.key]
    if key_problems:
        raise Conflict("必要材料不齐全或不合格，不能受理；请发一次性告知 (key materials are missing or failed: "
                       "send a correction notice instead)", {"slots": key_problems})
    if decision == "accept" and gap:
        raise Conflict("仍有材料缺失或不合格，请选择容缺受理或一次性告知 (materials are still missing or failed: "
                       "accept with gap or request correction)", {"slots": gap})
    if decision == "accept_with_gap" and not gap:
        raise InvalidInput("没有缺失材料，请直接受理 (nothing is missing: use accept)")

    calendar = calendar or Calendar.load(session)
    app.accepted_at = now
    start = local(now).date()
    app.due_date = calendar.add_workdays(start, app.service.time_limit_days)
    if decision == "accept_with_gap":
        app.gap_slots = gap
        app.gap_deadline = gap_deadline or calendar.add_workdays(start, GAP_DAYS_DEFAULT)
        events.notice(session, app, "gap", user, note=app.gap_undertaking or note, deadline=app.gap_deadline,
                      items=[{"slot": s, "name": names[s].name, "reason": failed.get(s) or "容缺后补"} for s in gap])
    else:
        app.gap_slots = []
    events.notice(session, app, "acceptance", user, note=note, deadline=app.due_date)
    events.transition(session, app, user, decision, "accepted_with_gap" if gap else "accepted", note=note,
                      data={"due_date": app.due_date.isoformat(), "gap_slots": gap,
                            "gap_deadline": app.gap_deadline.isoformat() if gap and app.gap_deadline else None})
    return app
