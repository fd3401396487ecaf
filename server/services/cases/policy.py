"""Who may do what to which case. Every rule lives here and is tested as a matrix (role × action × whose case)."""

from __future__ import annotations

from ...errors import Forbidden, NotFound, WrongState
from ...models import Application, User

BEFORE_ACCEPTANCE = ("draft", "submitted", "needs_correction")
EDITABLE = ("draft", "needs_correction")
GAP_OPEN = ("accepted_with_gap", "in_progress")


def _owns(user: User, app: Application) -> bool:
    return user.role == "applicant" and app.applicant_user_id == user.id


def _routed_to(user: User, app: Application) -> bool:
    return (user.role == "officer" and user.department_id is not None
            and any(part.department_id == user.department_id for part in app.parts))


def can_view(user: User, app: Application) -> bool:
    return (_owns(user, app) or user.role in ("clerk", "supervisor")
            or _routed_to(user, app))


def require_view(user: User, app: Application) -> None:
    if not can_view(user, app):
        # Out of scope looks like absent: case ids are not to be probed.
        raise NotFound(f"没有编号为 {app.id} 的办件 (no application {app.id})")


def require_role(user: User, *roles: str, action: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"{action}：仅限 {'/'.join(roles)} (role {user.role!r} may not {action})",
                        {"action": action, "allowed_roles": list(roles)})


def require_status(app: Application, *statuses: str, action: str) -> None:
    if app.status not in statuses:
        raise WrongState(f"办件当前状态为 {app.status}，不能{action} (cannot {action} in state {app.status})",
                         {"status": app.status, "allowed": list(statuses), "action": action})


def require_applicant_side(user: User, app: Application, action: str) -> None:
    """The applicant themself, or a window clerk acting for them (walk-in, scans)."""
    require_view(user, app)
    if not (_owns(user, app) or user.role == "clerk"):
        raise Forbidden(f"只有申请人本人或窗口人员可以{action} (only the applicant or a clerk may {action})")


def require_results_visible(user: User, app: Application) -> None:
    """Staff in scope see results as they are uploaded; the applicant once the case is completed."""
    require_view(user, app)
    if user.role == "applicant" and app.status not in ("completed", "archived"):
        raise Forbidden("办结后方可下载结果 (results can be downloaded once the case is completed)")


def require_officer_of(user: User, app: Application, action: str) -> None:
    require_view(user, app)
    if not _routed_to(user, app):
        raise Forbidden(f"只有承办部门人员可以{action} (only an officer of a routed department may {action})")
