"""容缺 per deferred item: its deadline, its arrival, the clerk's review of it, reminders, lapsing.

A deadline is at most the promised completion date: a material the decision waits for cannot be owed
after the decision is due. Material that arrives is not yet accepted: the clerk reviews it as at the
window, and while a refused item waits for the applicant the clock does not run (the applicant's time).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput
from ...models import Application, ClockPause, GapItem, Material, User, utcnow
from ...timeutil import local
from ...vocabulary import EventAction, GapItemStatus
from . import events, policy
from .clock import AWAITING_APPLICANT, Calendar
from .verification import record_verdict

REMIND_WORKDAYS = 2
# Items still owed by the applicant: neither waiting for the clerk nor accepted.
OWED = (GapItemStatus.OWED, GapItemStatus.REFUSED)


def plan(
    app: Application, gap: list[str], given: dict[str, date] | None, fallback: date | None, today: date
) -> dict[str, date]:
    """Each deferred slot's deadline: the one given, else ``fallback``, else the promised date; every bad one named."""
    assert app.due_date is not None  # the promised date is set before the gap is planned
    given = dict(given or {})
    problems = {f"gap_deadlines.{slot}": f"{slot} 不是容缺材料 (not deferred)" for slot in given if slot not in gap}
    planned = {slot: given.get(slot) or fallback or app.due_date for slot in gap}
    for slot, deadline in planned.items():
        if deadline < today:
            problems[f"gap_deadlines.{slot}"] = f"期限 {deadline} 已过 (the deadline {deadline} is in the past)"
        elif deadline > app.due_date:
            problems[f"gap_deadlines.{slot}"] = (
                f"期限 {deadline} 晚于承诺办结日期 {app.due_date} (after the promised date {app.due_date})"
            )
    if problems:
        raise InvalidInput(
            "容缺补齐期限不能早于今天，也不能晚于承诺办结日期 (a gap deadline must be from today to the promised date)",
            {"fields": problems, "due_date": app.due_date.isoformat()},
        )
    return planned


def open_items(app: Application, planned: dict[str, date]) -> None:
    for slot, deadline in sorted(planned.items()):
        app.gap_items.append(GapItem(slot=slot, deadline=deadline, status=GapItemStatus.OWED))
    app.gap_slots = sorted(planned)
    app.gap_deadline = min(planned.values()) if planned else None


def notice_items(app: Application, reasons: dict[str, str] | None = None) -> list[dict[str, str]]:
    """What is still owed, each with its deadline, as the notices list it."""
    names = {s.slot: s.name for s in app.service.materials}
    return [
        {
            "slot": item.slot,
            "name": names.get(item.slot, item.slot),
            "deadline": item.deadline.isoformat(),
            "reason": (reasons or {}).get(item.slot) or "容缺后补",
        }
        for item in app.gap_items
        if item.status in OWED
    ]


def deadlines_json(app: Application) -> dict[str, str]:
    return {item.slot: item.deadline.isoformat() for item in app.gap_items}


def unsettled(app: Application) -> list[str]:
    """Deferred slots the decision still waits for: owed, or arrived and not yet accepted by the clerk."""
    waiting = {item.slot for item in app.gap_items if item.status != GapItemStatus.ACCEPTED}
    return sorted(waiting | set(app.gap_slots))


def item_of(app: Application, slot: str) -> GapItem | None:
    return next((item for item in app.gap_items if item.slot == slot), None)


def material_arrived(session: Session, app: Application, user: User, material: Material, data: dict) -> None:
    """A deferred material came in: it waits for the clerk; the applicant's time (a refused item) ends."""
    session.flush()  # a reused material gets its id here
    item = item_of(app, material.slot)
    if item is not None:
        item.status, item.material_id = GapItemStatus.ARRIVED, material.id
    app.gap_slots = [s for s in app.gap_slots if s != material.slot]
    _end_wait(app, utcnow())
    data = {**data, "remaining": list(app.gap_slots), "awaiting_review": True}
    events.record(session, app, user, EventAction.GAP_FILLED, data=data)


def review_item(session: Session, user: User, app: Application, slot: str, ok: bool, reason: str = "") -> GapItem:
    """The clerk's verdict on a late material: accepted (the decision may follow) or refused with the reason."""
    policy.require(user, app, policy.Action.REVIEW_GAP)
    item = item_of(app, slot)
    if item is None or item.status != GapItemStatus.ARRIVED:
        raise Conflict(f"材料 {slot} 没有待核验的补交文件 (no arrived material in slot {slot})", {"slot": slot})
    reason = reason.strip()
    if not ok and not reason:
        raise InvalidInput(
            f"材料 {slot} 不通过须说明原因 (a failed verdict needs a reason)", {"fields": {"reason": "required"}}
        )
    now = utcnow()
    material = next((m for m in app.materials if m.id == item.material_id), None)
    if material is not None:
        slot_type = next((s.material_type for s in app.service.materials if s.slot == slot), None)
        record_verdict(material, user, ok, reason, now, slot_type)
    item.status = GapItemStatus.ACCEPTED if ok else GapItemStatus.REFUSED
    item.reason, item.reviewed_by, item.reviewed_at = reason, user.display_name, now
    if not ok:  # owed again: the applicant uploads anew, and the clock waits for them
        app.gap_slots = sorted({*app.gap_slots, slot})
        app.pauses.append(ClockPause(started_at=now, reason=AWAITING_APPLICANT))
    events.record(
        session,
        app,
        user,
        EventAction.REVIEW_GAP,
        note=reason,
        data={
            "slot": slot,
            "ok": ok,
            "reason": reason,
            "deadline": item.deadline.isoformat(),
            "remaining": list(app.gap_slots),
        },
    )
    return item


def awaiting_review(session: Session, limit: int = 50) -> list[Application]:
    """The clerk's queue of deferred material that arrived after acceptance."""
    query = (
        select(Application)
        .where(
            Application.status.in_(policy.GAP_OPEN),
            Application.id.in_(select(GapItem.application_id).where(GapItem.status == GapItemStatus.ARRIVED)),
        )
        .order_by(Application.accepted_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def _end_wait(app: Application, now: datetime) -> None:
    for pause in app.pauses:
        if pause.ended_at is None and pause.reason == AWAITING_APPLICANT:
            pause.ended_at = now


def remind(session: Session, app: Application, calendar: Calendar, now: datetime) -> int:
    """Once per item, two working days before its deadline (or later, if the sweep could not run then)."""
    today, sent = local(now).date(), 0
    for item in app.gap_items:
        if item.status not in OWED or item.reminded_at is not None or item.deadline < today:
            continue
        if calendar.workdays_between(today, item.deadline) <= REMIND_WORKDAYS:
            item.reminded_at = now
            events.record(
                session, app, None, EventAction.REMIND, data={"slot": item.slot, "deadline": item.deadline.isoformat()}
            )
            sent += 1
    return sent


def lapsed(app: Application, today: date) -> list[GapItem]:
    """Items whose deadline passed while still owed; material waiting for the clerk is not the applicant's delay."""
    if app.status not in policy.GAP_OPEN:
        return []
    return [item for item in app.gap_items if item.status in OWED and item.deadline < today]
