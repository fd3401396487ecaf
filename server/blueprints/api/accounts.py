"""POST /api/v1/auth/register, GET /api/v1/me and PUT /api/v1/me/password: one's own account."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy.orm import Session

from ...models import User
from ...services import accounts
from ...services.cases import queries
from ...web.context import db_session
from . import schemas as s
from .access import api_user
from .endpoint import NO_CONTENT, endpoint


@endpoint(
    "POST",
    "/auth/register",
    public=True,
    body=s.Registration,
    responses={201: s.Registered},
    errors=(409, 429),
    summary="Register an applicant account",
)
def register(body: s.Registration):
    """Every field that needs fixing is named at once in `details.fields` (400), e.g. an ID number whose
    GB 11643 check digit does not match, a phone that is no mobile number, or a short, common or personal
    password. A taken username, or an ID number that already has an account, is 409. Cases a clerk opened
    at the window for the ID number become the account's (`linked_cases`). Sign in with `POST /auth/token`.
    Every attempt counts against the client address's registration budget (429)."""
    session = db_session()
    user = accounts.create_applicant(session, **body.model_dump())
    session.commit()
    return {**profile(user), "linked_cases": case_count(session, user)}, 201


@endpoint("GET", "/me", responses={200: s.Me}, summary="Who is signed in")
def who_am_i():
    """An applicant's own details are masked: a leaked token shows neither their ID number nor their phone."""
    return profile(api_user())


@endpoint(
    "PUT",
    "/me/password",
    body=s.PasswordChange,
    responses={204: NO_CONTENT},
    errors=(403, 429),
    summary="Change one's password",
)
def change_password(body: s.PasswordChange):
    """The new password is judged as at registration (400 naming `new_password`). Every other token and
    browser session of the user ends; the token this request was sent with stays valid, since its holder
    has just proved they know the password. A wrong `current_password` is 403 and counts as a failed
    sign-in from the client's address (429 past that budget)."""
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    session = db_session()
    accounts.change_password(session, api_user(), current=body.current_password, new=body.new_password, keep=token)
    session.commit()
    return "", 204


def profile(user: User) -> dict[str, Any]:
    applicant = None
    if user.role == "applicant":
        applicant = {
            "name": user.display_name,
            "id_number": masked(user.id_number, 0, 4),
            "phone": masked(user.phone, 3, 4),
        }
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department.code if user.department else None,
        "applicant": applicant,
    }


def masked(value: str, head: int, tail: int) -> str:
    """``13857101234`` → ``138****1234``; too short a value to keep any of it is masked whole."""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def case_count(session: Session, user: User) -> int:
    """How many cases the user sees; for a new account, the walk-in cases just linked to it."""
    return queries.list_cases(session, user, status=None, service=None, overdue=None, page=1, per_page=1)[0]
