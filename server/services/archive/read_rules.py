"""On what ground an officer reads a shared file of another department's dossier (API.md "Reuse, e-licences
and the ledger"): a case of the same person routed to their department, or the applicant's approval.

Seeing that such a file exists (search, the dossier's list of shared files) needs neither; reading its
bytes needs one, and the read is logged with it. Anything else is refused saying what would allow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import ReadNotAuthorised
from ...models import AccessRequest, Application, CasePart, Dossier, User, utcnow
from ...vocabulary import AccessRequestStatus
from ..cases import policy

NEEDED = (
    "调阅其他部门案卷中的共享材料，须附本部门承办的同一申请人的在办办件编号（?application_id=…），"
    "或先提出调阅申请并经申请人同意 "
    "(to read another department's shared file, give ?application_id= of an open case of the same applicant "
    "routed to your department, or file an access request and have the applicant approve it)"
)


@dataclass(frozen=True)
class Ground:
    """Why a read is allowed: the case it is for, and the approved request it relies on."""

    application_id: str | None = None
    request_id: str | None = None


def same_person(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().upper() == b.strip().upper()


def active_grant(session: Session, user: User, dossier: Dossier, now: datetime | None = None) -> AccessRequest | None:
    """The officer's approved, unexpired request for this dossier, if any."""
    query = select(AccessRequest).where(
        AccessRequest.officer_id == user.id,
        AccessRequest.dossier_id == dossier.id,
        AccessRequest.status == AccessRequestStatus.APPROVED,
        AccessRequest.expires_at > (now or utcnow()),
    )
    return session.scalars(query.order_by(AccessRequest.expires_at.desc())).first()


def open_cases(session: Session, user: User, dossier: Dossier) -> list[Application]:
    """The officer's department's open cases of the dossier's applicant: what a read may be for."""
    if user.role != "officer" or user.department_id is None or not dossier.applicant_id_number.strip():
        return []
    routed = select(CasePart.application_id).where(CasePart.department_id == user.department_id)
    query = select(Application).where(
        Application.id.in_(routed),
        func.upper(Application.applicant_id_number) == dossier.applicant_id_number.strip().upper(),
        Application.status.in_(policy.RESULTS_OPEN),
    )
    return list(session.scalars(query.order_by(Application.created_at.desc())))


def _case_refusal(user: User, app: Application | None, application_id: str, dossier: Dossier) -> str | None:
    if app is None or not (user.role == "officer" and policy.can_view(user, app)):
        return f"办件 {application_id} 不是交办本部门的办件 (case {application_id} is not routed to your department)"
    if not same_person(app.applicant_id_number, dossier.applicant_id_number):
        return (
            f"办件 {app.tracking_number or app.id} 的申请人不是此案卷的申请人 "
            f"(case {app.tracking_number or app.id} is not of this dossier's applicant)"
        )
    if app.status not in policy.RESULTS_OPEN:
        return (
            f"办件 {app.tracking_number or app.id} 当前状态为 {app.status}，不在办理中 "
            f"(case {app.tracking_number or app.id} is not being handled: {app.status})"
        )
    return None


def for_case(session: Session, user: User, dossier: Dossier, application_id: str) -> Ground:
    app = session.get(Application, application_id)
    refusal = _case_refusal(user, app, application_id, dossier)
    if refusal is not None:
        raise ReadNotAuthorised(f"{refusal}。{NEEDED}", {"application_id": application_id})
    assert app is not None  # refused above otherwise
    return Ground(application_id=app.id)


def ground(session: Session, user: User, dossier: Dossier, *, whole: bool, application_id: str | None) -> Ground:
    """Whoever sees the dossier whole (its departments, archivists, the applicant) reads without more;
    ``application_id`` is then recorded when the user may see that case."""
    if whole:
        if application_id:
            app = session.get(Application, application_id)
            return Ground(application_id=app.id if app is not None and policy.can_view(user, app) else None)
        return Ground()
    if application_id:
        return for_case(session, user, dossier, application_id)
    grant = active_grant(session, user, dossier)
    if grant is not None:
        return Ground(request_id=grant.id)
    raise ReadNotAuthorised(NEEDED, {"needs": ["application_id", "approved_access_request"]})
