"""POST and DELETE /api/v1/auth/token."""

from datetime import timedelta

from flask import request

from ...services.accounts import link_walk_in_cases
from ...services.auth import authenticate, issue_token, revoke_token
from ...web.context import db_session, runtime
from . import schemas as s
from .endpoint import NO_CONTENT, endpoint


@endpoint(
    "POST",
    "/auth/token",
    public=True,
    body=s.TokenRequest,
    responses={201: s.Token},
    errors=(401, 429),
    summary="Exchange a username and password for a bearer token",
)
def create_token(body: s.TokenRequest):
    session = db_session()
    user = authenticate(session, body.username, body.password)
    link_walk_in_cases(session, user)  # cases opened at the window since the account was made
    token = issue_token(session, user, timedelta(hours=runtime().settings.token_lifetime_hours))
    session.commit()
    return {"token": token, "user": {"username": user.username, "role": user.role, "name": user.display_name}}, 201


@endpoint("DELETE", "/auth/token", responses={204: NO_CONTENT}, summary="Revoke the token this request was sent with")
def delete_token():
    """It answers 401 from then on; other tokens of the same user stay valid."""
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    revoke_token(db_session(), token)
    db_session().commit()
    return "", 204
