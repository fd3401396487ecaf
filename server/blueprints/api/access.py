"""Who is calling the API: the bearer token's user, checked per request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Literal, overload

from flask import g, request

from ...errors import Forbidden, Unauthorized
from ...models import User
from ...services.auth import user_for_token
from ...web.context import db_session


@overload
def api_user(required: Literal[True] = True) -> User: ...
@overload
def api_user(required: Literal[False]) -> User | None: ...


def api_user(required: bool = True) -> User | None:
    """The caller; with ``required`` (the default) a call without a valid token is refused, so there is one."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_user = user_for_token(db_session(), token.strip()) if scheme.lower() == "bearer" and token else None
    if required and g.api_user is None:
        raise Unauthorized("需要登录：请发送 Authorization: Bearer <token> (a valid bearer token is required)")
    return g.api_user


def roles(*allowed: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = api_user()
            if allowed and user.role not in allowed:
                raise Forbidden(f"此操作仅限 {', '.join(allowed)} (role {user.role!r} may not do this)")
            return view(*args, **kwargs)

        return wrapper

    return decorate
