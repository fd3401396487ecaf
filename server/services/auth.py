"""Passwords, browser sessions and API tokens.

Sessions and tokens are rows, not just signed values: logging out, revoking a
token and deactivating a user take effect on the server at once, whatever
copies of a cookie or token are still around.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Unauthorized
from ..models import ApiToken, User, UserSession, utcnow

DEFAULT_TOKEN_LIFETIME = timedelta(days=30)
DEFAULT_SESSION_LIFETIME = timedelta(hours=12)
# Last-use times are for people reading an audit, not for security: a coarse
# update spares a write per request (and a request failing on a full disk).
TOUCH_EVERY = timedelta(minutes=10)
# Compared against when the user does not exist, so a wrong username costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password")

log = logging.getLogger(__name__)


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Unauthorized("用户名或密码错误 (wrong username or password)")
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise Unauthorized("用户名或密码错误 (wrong username or password)")
    return user


def issue_token(session: Session, user: User, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_digest(token), expires_at=utcnow() + lifetime))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    return _holder(session, session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(token))))


def revoke_token(session: Session, token: str) -> bool:
    """Deletes the token; True if it existed. Every later request with it answers 401."""
    # A DML statement's result is a CursorResult (with rowcount); Session.execute's type says only Result.
    result = cast(CursorResult, session.execute(delete(ApiToken).where(ApiToken.token_sha256 == _digest(token))))
    return bool(result.rowcount)


def start_session(
    session: Session,
    user: User,
    *,
    lifetime: timedelta = DEFAULT_SESSION_LIFETIME,
    remote_addr: str = "",
    user_agent: str = "",
) -> str:
    """A new browser session; the returned secret goes into the (signed) session cookie."""
    secret = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            token_sha256=_digest(secret),
            expires_at=utcnow() + lifetime,
            remote_addr=remote_addr[:64],
            user_agent=user_agent[:255],
        )
    )
    return secret


def user_for_session(session: Session, secret: str) -> User | None:
    return _holder(session, session.scalar(select(UserSession).where(UserSession.token_sha256 == _digest(secret))))


def end_session(session: Session, secret: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_sha256 == _digest(secret)))


def revoke_all(session: Session, user: User) -> None:
    """Ends every session and token of the user (deactivation, password reset)."""
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def deactivate(session: Session, user: User) -> None:
    user.active = False
    revoke_all(session, user)


def _holder(session: Session, row: ApiToken | UserSession | None) -> User | None:
    """The user a live token or session belongs to; None if absent, expired or deactivated."""
    if row is None or row.expires_at < utcnow() or not row.user.active:
        return None
    _touch(session, row)
    return row.user


def _touch(session: Session, row: ApiToken | UserSession) -> None:
    """Records the last use at most every TOUCH_EVERY, committed on its own.

    A failed write (database read-only, disk full) is logged and forgotten: it
    must never turn a valid sign-in into an error. The caller's session has
    done nothing but read at this point, so committing it here is safe.
    """
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < TOUCH_EVERY:
        return
    row.last_used_at = now
    try:
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.warning("could not record the last use of a sign-in: %s", exc)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
