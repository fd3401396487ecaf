"""POST /api/v1/auth/token."""

from flask import request

from ...errors import InvalidInput
from ...services.auth import authenticate, issue_token
from ...web.context import db_session
from . import bp


@bp.post("/auth/token")
def create_token():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body.get("username") or not body.get("password"):
        raise InvalidInput("请提供 JSON {\"username\", \"password\"} (send JSON with username and password)",
                           {"required": ["username", "password"]})
    session = db_session()
    user = authenticate(session, str(body["username"]), str(body["password"]))
    token = issue_token(session, user)
    session.commit()
    return {"token": token, "user": {"username": user.username, "role": user.role,
                                     "name": user.display_name}}, 201
