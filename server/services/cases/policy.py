"""Who may do what to which case. Every rule lives here, once, and is tested as a matrix (role × action × whose case).

A rule yields, in order, why the user may not act (an error) or None, and the first error is the
answer: ``require`` raises it, ``allowed_actions`` lists the actions that have none. Pages, the API and
the services all ask these rules, so what a page offers is what a service accepts.

Actions done once (a department's decision, the rating) also have a condition on what has already
happened; a service that checks its input first asks ``require_access`` before the input and
``require_not_done`` after it, so a malformed request is answered as malformed even when it is late.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum

from sqlalchemy import ColumnElement, select, true

from ...errors import AppError, Conflict, Forbidden, NotFound, WrongState
from ...models import Application, CasePart, Licence, User
from ...vocabulary import Channel, EventAction, GapItemStatus, PartStatus, Status, sources
from .clock import open_suspension


class Action(StrEnum):
    """What a user may do to a case; the API's ``allowed_actions`` names."""

    VIEW = "view"
    EDIT_FORM = "edit_form"
    UPLOAD = "upload"  # a material into any slot of an editable case
    REUSE = "reuse"  # an archived file into a slot, with the applicant's consent
    FILL_GAP = "fill_gap"  # a deferred (容缺) material while the case is handled
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REVIEW = "review"
    ROUTE = "route"
    DECIDE = "decide"
    UPLOAD_RESULT = "upload_result"
    DOWNLOAD_RESULTS = "download_results"
    COMPLETE = "complete"
    DELIVER = "deliver"  # record how and when the result reached the applicant (送达)
    RATE = "rate"
    CLOSE_FOLLOW_UP = "close_follow_up"
    REVIEW_GAP = "review_gap"  # the clerk's verdict on a deferred material that arrived after acceptance
    SUSPEND = "suspend"  # a special procedure stops the clock (行政许可法 第四十五条)
    RESUME = "resume"
    SET_DEADLINE = "set_deadline"  # a supervisor's new time limit (督办)


# Where a status change is the action, its statuses come from the transition table.
EDITABLE = sources(EventAction.SUBMIT, EventAction.RESUBMIT)
BEFORE_ACCEPTANCE = sources(EventAction.WITHDRAW)
REVIEWABLE = sources(
    EventAction.ACCEPT, EventAction.ACCEPT_WITH_GAP, EventAction.REQUEST_CORRECTION, EventAction.REJECT
)
ROUTABLE = sources(EventAction.ROUTE)
DECIDABLE = sources(EventAction.DECIDE)
COMPLETABLE = sources(EventAction.COMPLETE)
GAP_OPEN = (Status.ACCEPTED_WITH_GAP, Status.IN_PROGRESS)
RESULTS_OPEN = (Status.IN_PROGRESS, *COMPLETABLE)
# Delivered after the decision and before completion, so that the sealed dossier records it.
DELIVERABLE = COMPLETABLE
RESULTS_RELEASED = (Status.COMPLETED, Status.ARCHIVED)
RATEABLE = (Status.COMPLETED, Status.ARCHIVED, Status.REJECTED)
# Accepted and not yet decided: the clock runs, so it may be stopped or given a new deadline. (A case
# waiting for a correction has not been accepted: correction comes before acceptance.)
SUSPENDABLE = (Status.ACCEPTED, Status.ACCEPTED_WITH_GAP, Status.IN_PROGRESS)

# The admin sees every case read-only, so that every case the supervision dashboard links opens.
SEES_EVERY_CASE = ("clerk", "supervisor", "admin")
LISTS = ("applicant", "clerk", "officer", "supervisor", "admin")
SUPERVISES = ("supervisor", "admin")
CREATES = ("applicant", "clerk")

Refusals = Iterator[AppError | None]


def _owns(user: User, app: Application) -> bool:
    return user.role == "applicant" and app.applicant_user_id == user.id


def _routed_to(user: User, app: Application) -> bool:
    return (
        user.role == "officer"
        and user.department_id is not None
        and any(part.department_id == user.department_id for part in app.parts)
    )


def can_view(user: User, app: Application) -> bool:
    return _owns(user, app) or user.role in SEES_EVERY_CASE or _routed_to(user, app)


def visible_cases(user: User) -> ColumnElement[bool]:
    """``can_view`` as a condition on applications, for lists; roles that see no case may not list."""
    _raise(_role(user, LISTS, "list applications"))
    if user.role == "applicant":
        return Application.applicant_user_id == user.id
    if user.role == "officer":
        return Application.id.in_(select(CasePart.application_id).where(CasePart.department_id == user.department_id))
    return true()


# -- the pieces every rule is made of


def _view(user: User, app: Application) -> AppError | None:
    # Out of scope looks like absent: case ids are not to be probed.
    return None if can_view(user, app) else NotFound(f"没有编号为 {app.id} 的办件 (no application {app.id})")


def _role(user: User, roles: tuple[str, ...], action: str) -> AppError | None:
    if user.role in roles:
        return None
    return Forbidden(
        f"{action}：仅限 {'/'.join(roles)} (role {user.role!r} may not {action})",
        {"action": action, "allowed_roles": list(roles)},
    )


def _status(app: Application, statuses: tuple[str, ...], action: str) -> AppError | None:
    if app.status in statuses:
        return None
    return WrongState(
        f"办件当前状态为 {app.status}，不能{action} (cannot {action} in state {app.status})",
        {"status": app.status, "allowed": list(statuses), "action": action},
    )


def _applicant_side(user: User, app: Application, action: str) -> Refusals:
    """The applicant themself, or a window clerk acting for them (walk-in, scans)."""
    yield _view(user, app)
    if not (_owns(user, app) or user.role == "clerk"):
        yield Forbidden(f"只有申请人本人或窗口人员可以{action} (only the applicant or a clerk may {action})")


def _officer_of(user: User, app: Application, action: str) -> Refusals:
    yield _view(user, app)
    if not _routed_to(user, app):
        yield Forbidden(f"只有承办部门人员可以{action} (only an officer of a routed department may {action})")


# -- one rule per action


def _view_case(user: User, app: Application) -> Refusals:
    yield _view(user, app)


def _edit_form(user: User, app: Application) -> Refusals:
    yield from _applicant_side(user, app, "edit the form")
    yield _status(app, EDITABLE, "edit the form")


def _upload(user: User, app: Application) -> Refusals:
    yield from _applicant_side(user, app, "upload materials")
    yield _status(app, EDITABLE, "upload materials")


def _reuse(user: User, app: Application) -> Refusals:
    """Consent is the applicant's: in their own online application only they give it; at the window the clerk
    records the consent the applicant gives in person."""
    yield from _applicant_side(user, app, "reuse archived materials")
    if app.channel != Channel.WINDOW and not _owns(user, app):
        yield Forbidden(
            "这是申请人本人的网上申请，复用档案材料须由申请人本人确认同意，窗口人员不能代为同意 "
            "(in the applicant's own online application only the applicant may consent to a reuse)",
            {"channel": app.channel},
        )
    if app.status not in EDITABLE:
        yield _status(app, GAP_OPEN, "reuse archived materials")
        if not app.gap_slots:
            yield Conflict("没有容缺待补的材料 (no deferred material is awaited)")


def _fill_gap(user: User, app: Application) -> Refusals:
    yield from _applicant_side(user, app, "upload materials")
    yield _status(app, GAP_OPEN, "fill a deferred material")
    if not app.gap_slots:
        yield Conflict("没有容缺待补的材料 (no deferred material is awaited)")


def _submit(user: User, app: Application) -> Refusals:
    yield from _applicant_side(user, app, "submit")
    yield _status(app, EDITABLE, "submit")


def _withdraw(user: User, app: Application) -> Refusals:
    yield from _applicant_side(user, app, "withdraw")
    yield _role(user, ("applicant",), "withdraw")
    yield _status(app, BEFORE_ACCEPTANCE, "withdraw")


def _review(user: User, app: Application) -> Refusals:
    yield _view(user, app)
    yield _role(user, ("clerk",), "review")
    yield _status(app, REVIEWABLE, "review")


def _route(user: User, app: Application) -> Refusals:
    yield _view(user, app)
    yield _role(user, ("clerk",), "route")
    yield _status(app, ROUTABLE, "route")


def _decide(user: User, app: Application) -> Refusals:
    """Each routed department decides its own part, once."""
    yield from _officer_of(user, app, "decide")
    yield _status(app, DECIDABLE, "decide")


def _decided(user: User, app: Application) -> AppError | None:
    part = next((p for p in app.parts if p.department_id == user.department_id), None)
    if part is not None and part.status != PartStatus.PENDING:
        return Conflict(f"本部门已作出决定：{part.status} (your department has already decided)")
    return None


def _upload_result(user: User, app: Application) -> Refusals:
    yield from _officer_of(user, app, "upload results")
    yield _status(app, RESULTS_OPEN, "upload results")


def _download_results(user: User, app: Application) -> Refusals:
    """Staff in scope see results as they are uploaded; the applicant once the case is completed."""
    yield _view(user, app)
    if user.role == "applicant" and app.status not in RESULTS_RELEASED:
        yield Forbidden("办结后方可下载结果 (results can be downloaded once the case is completed)")


def _complete(user: User, app: Application) -> Refusals:
    yield _view(user, app)
    if user.role == "officer":
        yield from _officer_of(user, app, "complete")
    else:
        yield _role(user, ("clerk", "officer"), "complete")
    yield _status(app, COMPLETABLE, "complete")


def _deliver(user: User, app: Application) -> Refusals:
    """The window hands the result over or posts it; a routed department may send it too."""
    yield _view(user, app)
    if user.role == "officer":
        yield from _officer_of(user, app, "record the delivery")
    else:
        yield _role(user, ("clerk", "officer"), "record the delivery")
    yield _status(app, DELIVERABLE, "record the delivery")


def _delivered(user: User, app: Application) -> AppError | None:
    if app.delivery_method:
        return Conflict(f"已记录送达：{app.delivery_method} {app.delivery_date} (the delivery is already recorded)")
    return None


def _rate(user: User, app: Application) -> Refusals:
    yield _view(user, app)
    if not _owns(user, app):
        yield Forbidden("只有申请人本人可以评价 (only the applicant may rate the service)")
    yield _status(app, RATEABLE, "rate")


def _rated(user: User, app: Application) -> AppError | None:
    return None if app.rating is None else Conflict("此办件已评价 (this case has already been rated)")


def _close_follow_up(user: User, app: Application) -> Refusals:
    """The supervisor records what was done about a low rating (差评回访整改)."""
    yield _view(user, app)
    yield _role(user, ("supervisor",), "close a rating follow-up")
    if app.rating is None or app.rating.follow_up_status != "open":
        yield Conflict("此办件没有待处理的差评回访 (no open follow-up on this case)")


def _review_gap(user: User, app: Application) -> Refusals:
    yield _view(user, app)
    yield _role(user, ("clerk",), "review a deferred material")
    yield _status(app, GAP_OPEN, "review a deferred material")
    if not any(item.status == GapItemStatus.ARRIVED for item in app.gap_items):
        yield Conflict("没有待核验的容缺材料 (no deferred material is waiting for review)")


def _clock_keeper(user: User, app: Application, action: str) -> Refusals:
    """The window before routing, or an officer of a routed department."""
    yield _view(user, app)
    if not (user.role == "clerk" or _routed_to(user, app)):
        yield Forbidden(
            f"只有窗口人员或承办部门人员可以{action} (only a clerk or an officer of a routed department may {action})"
        )
    yield _status(app, SUSPENDABLE, action)


def _suspend(user: User, app: Application) -> Refusals:
    yield from _clock_keeper(user, app, "suspend the clock")
    if open_suspension(app) is not None:
        yield Conflict("办件已在特别程序中，暂停计时 (the case is already suspended)")


def _resume(user: User, app: Application) -> Refusals:
    yield from _clock_keeper(user, app, "resume the clock")
    if open_suspension(app) is None:
        yield Conflict("办件未暂停计时 (the case is not suspended)")


def _set_deadline(user: User, app: Application) -> Refusals:
    yield _view(user, app)
    yield _role(user, ("supervisor",), "set a new deadline")
    yield _status(app, SUSPENDABLE, "set a new deadline")


RULES: dict[Action, Callable[[User, Application], Refusals]] = {
    Action.VIEW: _view_case,
    Action.EDIT_FORM: _edit_form,
    Action.UPLOAD: _upload,
    Action.REUSE: _reuse,
    Action.FILL_GAP: _fill_gap,
    Action.SUBMIT: _submit,
    Action.WITHDRAW: _withdraw,
    Action.REVIEW: _review,
    Action.ROUTE: _route,
    Action.DECIDE: _decide,
    Action.UPLOAD_RESULT: _upload_result,
    Action.DOWNLOAD_RESULTS: _download_results,
    Action.COMPLETE: _complete,
    Action.DELIVER: _deliver,
    Action.RATE: _rate,
    Action.CLOSE_FOLLOW_UP: _close_follow_up,
    Action.REVIEW_GAP: _review_gap,
    Action.SUSPEND: _suspend,
    Action.RESUME: _resume,
    Action.SET_DEADLINE: _set_deadline,
}
# What an action done once checks after the rule: whether it has been done.
DONE: dict[Action, Callable[[User, Application], AppError | None]] = {
    Action.DECIDE: _decided,
    Action.DELIVER: _delivered,
    Action.RATE: _rated,
}


def _first(refusals: Refusals) -> AppError | None:
    return next((error for error in refusals if error is not None), None)


def _raise(error: AppError | None) -> None:
    if error is not None:
        raise error


def refusal(user: User, app: Application, action: Action) -> AppError | None:
    """Why ``user`` may not take ``action`` on ``app`` (the error a service would raise), or None."""
    return _first(RULES[action](user, app)) or _not_done(user, app, action)


def _not_done(user: User, app: Application, action: Action) -> AppError | None:
    done = DONE.get(action)
    return done(user, app) if done else None


def require(user: User, app: Application, action: Action) -> None:
    _raise(refusal(user, app, action))


def require_access(user: User, app: Application, action: Action) -> None:
    """The rule without its "not done yet" condition: for a service that checks its input in between."""
    _raise(_first(RULES[action](user, app)))


def require_not_done(user: User, app: Application, action: Action) -> None:
    _raise(_not_done(user, app, action))


def may(user: User, app: Application, action: Action) -> bool:
    return refusal(user, app, action) is None


def allowed_actions(user: User, app: Application) -> frozenset[Action]:
    """Everything ``user`` may do to ``app`` now: what the pages offer and the API's case detail lists."""
    return frozenset(action for action in Action if may(user, app, action))


def require_add_material(user: User, app: Application, slot: str) -> None:
    """Materials go in while the case is editable, and deferred (容缺) slots while it is handled."""
    if slot in app.gap_slots and may(user, app, Action.FILL_GAP):
        return
    require(user, app, Action.UPLOAD)


def may_add_material(user: User, app: Application, slot: str) -> bool:
    return (slot in app.gap_slots and may(user, app, Action.FILL_GAP)) or may(user, app, Action.UPLOAD)


# -- rules that are not about one action on one case


def require_view(user: User, app: Application) -> None:
    _raise(_view(user, app))


def require_role(user: User, *roles: str, action: str) -> None:
    _raise(_role(user, roles, action))


def require_status(app: Application, *statuses: str, action: str) -> None:
    _raise(_status(app, statuses, action))


def require_applicant_side(user: User, app: Application, action: str) -> None:
    _raise(_first(_applicant_side(user, app, action)))


def require_officer_of(user: User, app: Application, action: str) -> None:
    _raise(_first(_officer_of(user, app, action)))


def require_results_visible(user: User, app: Application) -> None:
    require(user, app, Action.DOWNLOAD_RESULTS)


def _revoke(user: User, licence: Licence) -> Refusals:
    """Only the department that issued an e-licence revokes it."""
    yield _role(user, ("officer",), "revoke an e-licence")
    if user.department is None or user.department.code != licence.department_code:
        yield Forbidden(
            f"只有发证部门（{licence.department_name}）可以撤销此电子证照 "
            f"(only the issuing department, {licence.department_code}, may revoke this e-licence)",
            {"department": licence.department_code},
        )


def require_revoke(user: User, licence: Licence) -> None:
    _raise(_first(_revoke(user, licence)))


def may_revoke(user: User, licence: Licence) -> bool:
    return _first(_revoke(user, licence)) is None and licence.revoked_at is None


def require_create(user: User) -> None:
    require_role(user, *CREATES, action="create an application")


def require_supervision(user: User) -> None:
    require_role(user, *SUPERVISES, action="see the supervision dashboard")
