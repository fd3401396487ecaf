"""Who is using a page: the session's user, or a redirect to the login page.

Pages use the session cookie (with CSRF on every POST); what a user may do is
decided by the services' policy, never here.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from ..errors import Unauthorized
from ..models import User


def web_user() -> User:
    """The signed-in user, bound to this request's database session by the login loader."""
    if not current_user.is_authenticated:
        raise Unauthorized("请先登录 (please sign in)")
    return current_user._get_current_object()


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def require_sign_in(bp: Blueprint) -> None:
    """Every view of ``bp`` needs a session: pages go to the login form, scripts get a JSON 401."""

    @bp.before_request
    def _signed_in():
        if current_user.is_authenticated:
            return None
        if _wants_json() or request.method != "GET":
            raise Unauthorized("请先登录 (please sign in)")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
