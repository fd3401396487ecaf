"""Reading cases: one case, work queues, and the public status lookup."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ...errors import InvalidInput, NotFound
from ...models import Application, Material, Notice, ResultFile, ServiceItem, User
from ...vocabulary import Channel, Status
from . import policy
from .clock import Calendar, clock_state


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


def track(session: Session, tracking_number: str, phone_last4: str) -> Application:
    """The public lookup: the tracking number and the last four digits of the phone, or nothing. What the public
    status shows comes in the same round trip (service, department and steps joined), not four."""
    app = (
        session.scalars(
            select(Application)
            .where(Application.tracking_number == tracking_number)
            .options(
                joinedload(Application.service).joinedload(ServiceItem.department),
                joinedload(Application.events),
            )
        )
        .unique()
        .first()
    )
    if app is None or not phone_last4 or not app.applicant_phone.endswith(phone_last4) or len(phone_last4) != 4:
        raise NotFound(
            "未找到该受理编号，或手机号后四位不符 (no such tracking number, or the phone digits do not match)"
        )
    return app


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
