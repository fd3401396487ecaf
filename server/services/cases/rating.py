"""好差评: the applicant rates a finished case; a low score opens a follow-up for the supervisor."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...errors import Conflict, Forbidden, InvalidInput
from ...models import Application, Rating, User
from . import events, policy

LOW_SCORE = 2


def rate(session: Session, user: User, app: Application, score: object, comment: str = "") -> Rating:
    policy.require_view(user, app)
    if not (user.role == "applicant" and app.applicant_user_id == user.id):
        raise Forbidden("只有申请人本人可以评价 (only the applicant may rate the service)")
    policy.require_status(app, "completed", "archived", "rejected", action="rate")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score 须为1至5的整数 (score must be a whole number from 1 to 5)", {"field": "score"})
    if app.rating is not None:
        raise Conflict("此办件已评价 (this case has already been rated)")
    rating = Rating(score=score, comment=(comment or "").strip()[:2000],
                    follow_up_status="open" if score <= LOW_SCORE else "")
    app.rating = rating
    session.add(rating)
    events.record(session, app, user, "rate", note=rating.comment, data={"score": score})
    return rating


def close_follow_up(session: Session, user: User, app: Application, note: str) -> Rating:
    """The supervisor records what was done about a low rating (差评回访整改)."""
    policy.require_role(user, "supervisor", action="close a rating follow-up")
    if app.rating is None or app.rating.follow_up_status != "open":
        raise Conflict("此办件没有待处理的差评回访 (no open follow-up on this case)")
    if not note.strip():
        raise InvalidInput("请填写回访整改情况 (describe the follow-up in note)", {"field": "note"})
    app.rating.follow_up_status, app.rating.follow_up_note = "closed", note.strip()[:2000]
    events.record(session, app, user, "close_follow_up", note=note.strip())
    return app.rating
