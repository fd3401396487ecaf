"""Sign-in through the unified identity platform (统一身份认证): the two pages of the OpenID Connect flow.

``/login/oidc`` sends the browser to the platform (a GET redirect, which the CSP's ``form-action
'self'`` does not restrict); the platform sends it back to ``/login/oidc/callback``, where the
verified claims become an account (services/oidc_accounts.py) and a session, exactly as a password
sign-in makes one. Whatever fails shows the login page with what happened, never an error page.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..errors import AppError, InvalidInput, Unavailable
from ..models import User
from ..services.auth import end_session, start_session
from ..services.oidc_accounts import account_for
from ..web import oidc
from ..web.context import db_session, runtime
from .auth import _safe_next

bp = Blueprint("oidc", __name__)

NEXT = "oidc_next"  # where to go after the callback, kept in the session across the platform's pages


@bp.get("/login/oidc")
def start():
    if not oidc.enabled():
        abort(404)
    session[NEXT] = _safe_next(request.args.get("next"))
    try:
        return oidc.redirect_to_platform(url_for("oidc.callback", _external=True))
    except AppError as error:
        return _refused(error)


@bp.get("/login/oidc/callback")
def callback():
    if not oidc.enabled():
        abort(404)
    try:
        claims = oidc.verified_claims()
        user = account_for(db_session(), claims, oidc.claim_mapping(), staff=runtime().settings.oidc_staff)
    except AppError as error:
        db_session().rollback()
        return _refused(error)
    target = session.get(NEXT) or url_for("portal.index")
    _sign_in(user)
    return redirect(_safe_next(target))


def _sign_in(user: User) -> None:
    """The same steps as the password sign-in (auth.login): a server-side session in a fresh cookie."""
    if current_user.is_authenticated:
        end_session(db_session(), current_user.session_secret)
    session.clear()  # nothing set before the sign-in carries over (session fixation)
    user.session_secret = start_session(
        db_session(),
        user,
        lifetime=timedelta(hours=runtime().settings.session_lifetime_hours),
        remote_addr=request.remote_addr or "",
        user_agent=request.user_agent.string,
    )
    db_session().commit()
    login_user(user)


def _refused(error: AppError):
    """The login page saying why, in the reader's language, with the service's own words after it."""
    if isinstance(error, Unavailable):
        message = _("统一身份认证平台暂时无法连接，请稍后再试，或使用本系统账号登录。")
    elif isinstance(error, InvalidInput):
        message = _("统一身份认证平台提供的个人信息有误，无法登录：%(problem)s", problem=_problem(error))
    else:
        message = _("统一身份认证登录未完成：%(problem)s", problem=error.message)
    flash(message, "error")
    return render_template("auth/login.html"), error.status


def _problem(error: AppError) -> str:
    fields = error.details.get("fields") or {}
    shown = [f"{name}: {text}" for name, text in fields.items() if text != "missing"]
    return "；".join([error.message, *shown])
