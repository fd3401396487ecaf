"""好差评: the applicant rates a finished case; a low score opens a follow-up for the supervisor."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...jobs import enqueue
from ...models import Application, Rating, User
from ...vocabulary import EventAction
from . import events, policy

LOW_SCORE = 2
RATING_JOB = "archive.file_rating"


def rate(session: Session, user: User, app: Application, score: object, comment: str = "") -> Rating:
    policy.require_access(user, app, policy.Action.RATE)
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score 须为1至5的整数 (score must be a whole number from 1 to 5)", {"field": "score"})
    policy.require_not_done(user, app, policy.Action.RATE)
    rating = Rating(
        score=score, comment=(comment or "").strip()[:2000], follow_up_status="open" if score <= LOW_SCORE else ""
    )
    app.rating = rating
    session.add(rating)
    events.record(session, app, user, EventAction.RATE, note=rating.comment, data={"score": score})
    if app.dossier_id:
        # Filed in the archive by a job: sealing copies the dossier, which a rating request need not wait for.
        enqueue(session, RATING_JOB, {"application_id": app.id}, subject=f"application:{app.id}")
    return rating


def close_follow_up(session: Session, user: User, app: Application, note: str) -> Rating:
    """The supervisor records what was done about a low rating (差评回访整改)."""
    policy.require(user, app, policy.Action.CLOSE_FOLLOW_UP)
    if not note.strip():
        raise InvalidInput("请填写回访整改情况 (describe the follow-up in note)", {"field": "note"})
    rating = app.rating
    assert rating is not None  # the rule refuses a case without an open follow-up
    rating.follow_up_status, rating.follow_up_note = "closed", note.strip()[:2000]
    events.record(session, app, user, EventAction.CLOSE_FOLLOW_UP, note=note.strip())
    return rating
