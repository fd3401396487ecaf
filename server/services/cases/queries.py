"""Reading cases: one case, work queues, and the public status lookup."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select
from sqlalchemy.orm import Session

from ...errors import InvalidInput, NotFound
from ...models import (
    Application,
    CaseEvent,
    ClockPause,
    Department,
    Material,
    Notice,
    ResultFile,
    ServiceItem,
    User,
)
from ...vocabulary import Channel, Status
from . import policy
from .clock import Calendar, clock_state
from .tracked import TrackedCase, TrackedDepartment, TrackedPause, TrackedService, TrackedStep
from .views import PRIVATE_STEPS, public_status


def get_case(session: Session, user: User, app_id: str) -> Application:
    app = session.get(Application, app_id)
    if app is None:
        raise NotFound(f"没有编号为 {app_id} 的办件 (no application {app_id})")
    policy.require_view(user, app)
    return app


def list_cases(
    session: Session,
    user: User,
    *,
    status: str | Sequence[Status] | None,
    service: str | None,
    overdue: bool | None,
    page: int,
    per_page: int,
    channel: Channel | None = None,
    township: str | None = None,
) -> tuple[int, list[Application]]:
    """Work queues, each user's cases as ``policy.visible_cases`` scopes them; ``status`` may be comma-separated."""
    query = select(Application).where(policy.visible_cases(user))
    if status:
        wanted = status.split(",") if isinstance(status, str) else list(status)
        unknown = [s for s in wanted if s not in set(Status)]
        if unknown:
            raise InvalidInput(f"未知状态 {unknown} (unknown status)", {"allowed": list(Status)})
        query = query.where(Application.status.in_(wanted))
    if channel:
        query = query.where(Application.channel == channel)
    if township:
        query = query.where(Application.township == township)
    if service:
        query = query.where(Application.service_id.in_(select(ServiceItem.id).where(ServiceItem.code == service)))
    query = query.order_by(Application.created_at.desc())
    if overdue is not None:
        # Overdue depends on the working-day calendar, so it is decided in Python over the open cases.
        calendar = Calendar.load(session)
        rows = [
            a
            for a in session.scalars(query.where(Application.accepted_at.is_not(None)))
            if (clock_state(a, calendar).level == "red") == overdue
        ]
        return len(rows), rows[(page - 1) * per_page : page * per_page]
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return total, list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))


def track(db: Session | Connection, tracking_number: str, phone_last4: str) -> TrackedCase:
    """The public lookup: the tracking number and the last four digits of the phone, or nothing. One Core
    round trip (service, department and steps joined; the clock's pauses in a second once the clock runs),
    with no ORM objects: loading them cost more than the query."""
    connection = db.connection() if isinstance(db, Session) else db
    rows = connection.execute(_TRACKED, {"number": tracking_number}).all()
    if not rows or not phone_last4 or not rows[0].applicant_phone.endswith(phone_last4) or len(phone_last4) != 4:
        raise NotFound(
            "未找到该受理编号，或手机号后四位不符 (no such tracking number, or the phone digits do not match)"
        )
    first = rows[0]
    pauses = connection.execute(_PAUSES, {"case": first.id}).all() if first.accepted_at is not None else ()
    return TrackedCase(
        tracking_number=first.tracking_number,
        status=first.status,
        submitted_at=first.submitted_at,
        accepted_at=first.accepted_at,
        decided_at=first.decided_at,
        completed_at=first.completed_at,
        limit_days=first.limit_days,
        service=TrackedService(first.service_name, first.time_limit_days, TrackedDepartment(first.department_name)),
        events=tuple(TrackedStep(row.at, row.action, row.after) for row in rows if row.action is not None),
        pauses=tuple(TrackedPause(*pause) for pause in pauses),
    )


def public_track(db: Session | Connection, tracking_number: str, phone_last4: str) -> dict[str, Any]:
    """The status API's answer (``views.public_status``) for the lookup ``track`` makes."""
    case = track(db, tracking_number, phone_last4)
    # Working days matter only once the clock runs: a case not yet accepted has no due date to count.
    return public_status(case, Calendar.load(db) if case.accepted_at else Calendar(set(), set()))


_TRACKED = (
    select(
        Application.id,
        Application.tracking_number,
        Application.applicant_phone,
        Application.status,
        Application.submitted_at,
        Application.accepted_at,
        Application.decided_at,
        Application.completed_at,
        Application.limit_days,
        ServiceItem.name.label("service_name"),
        ServiceItem.time_limit_days,
        Department.name.label("department_name"),
        CaseEvent.at,
        CaseEvent.action,
        CaseEvent.after,
    )
    .join(ServiceItem, ServiceItem.id == Application.service_id)
    .join(Department, Department.id == ServiceItem.department_id)
    # only the steps the public sees (public_status filters them again), so most cases give one or two rows
    # (!= rather than NOT IN, which SQLAlchemy renders afresh at every execution)
    .outerjoin(
        CaseEvent,
        and_(CaseEvent.application_id == Application.id, *(CaseEvent.action != action for action in PRIVATE_STEPS)),
    )
    .where(Application.tracking_number == bindparam("number"))
    .order_by(CaseEvent.seq)
)
_PAUSES = (
    select(ClockPause.started_at, ClockPause.ended_at, ClockPause.reason)
    .where(ClockPause.application_id == bindparam("case"))
    .order_by(ClockPause.started_at)
)


def material_of(app: Application, material_id: str) -> Material:
    """A material of a case the caller may already see (any version, so history stays viewable)."""
    for material in app.materials:
        if material.id == material_id:
            return material
    raise NotFound(f"办件中没有材料 {material_id} (no material {material_id})")


def notice_of(app: Application, notice_id: str) -> Notice:
    for notice in app.notices:
        if notice.id == notice_id:
            return notice
    raise NotFound(f"没有通知书 {notice_id} (no notice {notice_id})")


def result_of(user: User, app: Application, result_id: str) -> ResultFile:
    policy.require(user, app, policy.Action.DOWNLOAD_RESULTS)
    for result in app.results:
        if result.id == result_id:
            return result
    raise NotFound(f"没有结果文件 {result_id} (no result {result_id})")
