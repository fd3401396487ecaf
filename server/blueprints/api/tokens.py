"""POST and DELETE /api/v1/auth/token."""

from datetime import timedelta

from flask import request

from ...errors import InvalidInput
from ...services.auth import authenticate, issue_token, revoke_token
from ...web.context import db_session, runtime
from . import bp
from .access import api_user


@bp.post("/auth/token")
def create_token():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body.get("username") or not body.get("password"):
        raise InvalidInput("请提供 JSON {\"username\", \"password\"} (send JSON with username and password)",
                           {"required": ["username", "password"]})
    session = db_session()
    user = authenticate(session, str(body["username"]), str(body["password"]))
    token = issue_token(session, user, timedelta(hours=runtime().settings.token_lifetime_hours))
    session.commit()
    return {"token": token, "user": {"username": user.username, "role": user.role,
                                     "name": user.display_name}}, 201


@bp.delete("/auth/token")
def delete_token():
    """Revokes the token this request was sent with; it answers 401 from then on."""
    api_user()
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    revoke_token(db_session(), token)
    db_session().commit()
    return "", 204
