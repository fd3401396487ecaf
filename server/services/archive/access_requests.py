"""Officers' requests to read another department's shared files, answered by the applicant.

An officer without a case of that person in their department asks with a purpose; the request reaches the
applicant's inbox; the applicant approves or refuses on their page, and an approval lets that officer read
the dossier's shared files for ``GRANT_DAYS`` days (read_rules.active_grant). Only the applicant answers.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ...models import AccessRequest, Dossier, User, utcnow
from ...timeutil import local
from ...vocabulary import AccessRequestStatus, NotificationKind
from ..notifications import notify_user
from .access import view_dossier
from .read_rules import same_person

GRANT_DAYS = 7


def _applicant_account(session: Session, dossier: Dossier) -> User | None:
    if not dossier.applicant_id_number.strip():
        return None
    query = select(User).where(
        User.role == "applicant",
        User.active.is_(True),
        func.upper(User.id_number) == dossier.applicant_id_number.strip().upper(),
    )
    return session.scalars(query).first()


def file_request(session: Session, user: User, dossier_id: str, purpose: str) -> AccessRequest:
    """Refused when there is nothing to ask for (the officer sees the dossier whole) or no one to ask."""
    if user.role != "officer" or user.department is None:
        raise Forbidden("只有部门审批人员可以申请调阅 (only department officers file access requests)")
    if not purpose.strip():
        raise InvalidInput("请说明调阅目的 (say why you need the files)", {"field": "purpose"})
    view = view_dossier(session, user, dossier_id)
    if view.whole:
        raise Conflict("本部门可直接调阅此案卷，无需申请 (your department reads this dossier without asking)")
    applicant = _applicant_account(session, view.dossier)
    if applicant is None:
        raise Conflict(
            "申请人没有网上账户，无法在线同意；请凭本部门承办的该申请人办件调阅（?application_id=…） "
            "(the applicant has no account to approve online: read for a case of theirs in your department)"
        )
    pending = session.scalar(
        select(AccessRequest).where(
            AccessRequest.officer_id == user.id,
            AccessRequest.dossier_id == dossier_id,
            AccessRequest.status == AccessRequestStatus.PENDING,
        )
    )
    if pending is not None:
        raise Conflict(
            "已有待申请人答复的调阅申请 (a request of yours awaits the applicant's answer)", {"id": pending.id}
        )
    row = AccessRequest(
        dossier_id=dossier_id,
        applicant_id_number=view.dossier.applicant_id_number,
        officer_id=user.id,
        officer_name=user.display_name,
        department_code=user.department.code,
        department_name=user.department.name,
        purpose=purpose.strip()[:1000],
        status=AccessRequestStatus.PENDING,
        created_at=utcnow(),
    )
    session.add(row)
    _tell_applicant(session, applicant, row, view.dossier, [f.name for f in view.files])
    return row


def _tell_applicant(session: Session, applicant: User, row: AccessRequest, dossier: Dossier, files: list[str]) -> None:
    officer = session.get(User, row.officer_id)
    department_en = (officer.department.name_en if officer and officer.department else "") or row.department_name
    common = {
        "officer": row.officer_name,
        "code": dossier.archival_code,
        "purpose": row.purpose,
        "days": str(GRANT_DAYS),
        "service": dossier.service_name,
    }
    notify_user(
        session,
        applicant,
        NotificationKind.ACCESS_REQUEST,
        {**common, "department": row.department_name, "files": "、".join(files)},
        {**common, "department": department_en, "files": ", ".join(files)},
    )


def requests_of(session: Session, user: User, *, page: int = 1, per_page: int = 20) -> tuple[int, list[AccessRequest]]:
    """The requests about the applicant's dossiers, pending first, then newest first."""
    if user.role != "applicant" or not user.id_number:
        raise Forbidden("仅申请人可查看调阅申请 (only applicants answer access requests)")
    query = select(AccessRequest).where(func.upper(AccessRequest.applicant_id_number) == user.id_number.upper())
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pending_first = (AccessRequest.status != AccessRequestStatus.PENDING, AccessRequest.created_at.desc())
    rows = session.scalars(query.order_by(*pending_first).offset((page - 1) * per_page).limit(per_page))
    return total, list(rows)


def officer_requests(session: Session, user: User, dossier_id: str) -> list[AccessRequest]:
    """The officer's own requests for one dossier, newest first (the dossier page shows where they stand)."""
    query = select(AccessRequest).where(AccessRequest.officer_id == user.id, AccessRequest.dossier_id == dossier_id)
    return list(session.scalars(query.order_by(AccessRequest.created_at.desc())))


def answer(session: Session, user: User, request_id: str, *, approve: bool) -> AccessRequest:
    """The applicant's answer, once; someone else's request answers as absent."""
    row = session.get(AccessRequest, request_id)
    if row is None or user.role != "applicant" or not same_person(user.id_number or "", row.applicant_id_number):
        raise NotFound(f"没有编号为 {request_id} 的调阅申请 (no access request {request_id})")
    if row.status != AccessRequestStatus.PENDING:
        raise Conflict(f"此申请已答复：{AccessRequestStatus(row.status).label} (this request is already answered)")
    now = utcnow()
    row.status = AccessRequestStatus.APPROVED if approve else AccessRequestStatus.REFUSED
    row.decided_at = now
    row.expires_at = now + timedelta(days=GRANT_DAYS) if approve else None
    _tell_officer(session, row)
    return row


def _tell_officer(session: Session, row: AccessRequest) -> None:
    officer = session.get(User, row.officer_id)
    dossier = session.get(Dossier, row.dossier_id)
    if officer is None or not officer.active or dossier is None:
        return
    until = local(row.expires_at).strftime("%Y-%m-%d %H:%M") if row.expires_at else ""
    approved = row.status == AccessRequestStatus.APPROVED
    zh = {"answer": "同意", "until": f"可调阅至 {until}。" if approved else ""}
    en = {"answer": "approved" if approved else "refused", "until": f"You may read until {until}." if approved else ""}
    if not approved:
        zh["answer"] = "拒绝"
    common = {"service": dossier.service_name, "code": dossier.archival_code}
    notify_user(session, officer, NotificationKind.ACCESS_ANSWER, {**common, **zh}, {**common, **en})
