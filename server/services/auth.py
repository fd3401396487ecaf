"""Passwords, sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Unauthorized
from ..models import ApiToken, User, utcnow

TOKEN_LIFETIME = timedelta(days=30)
# Compared against when the user does not exist, so a wrong username costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password")


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


def issue_token(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_digest(token),
                         expires_at=utcnow() + TOKEN_LIFETIME))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == _digest(token)))
    if row is None or row.expires_at < utcnow() or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
