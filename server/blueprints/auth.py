"""Session login for the web pages (the API uses bearer tokens instead)."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..errors import Unauthorized
from ..services.accounts import link_walk_in_cases
from ..services.auth import authenticate, end_session, start_session
from ..web.context import db_session, runtime

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("portal.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        try:
            user = authenticate(
                db_session(), request.form.get("username", "").strip(), request.form.get("password", "")
            )
        except Unauthorized:
            flash(_("用户名或密码错误"), "error")
            return render_template("auth/login.html"), 401
        if current_user.is_authenticated:
            end_session(db_session(), current_user.session_secret)
        # A fresh cookie for the new login: nothing set before it (session fixation) carries over.
        session.clear()
        user.session_secret = start_session(
            db_session(),
            user,
            lifetime=timedelta(hours=runtime().settings.session_lifetime_hours),
            remote_addr=request.remote_addr or "",
            user_agent=request.user_agent.string,
        )
        link_walk_in_cases(db_session(), user)  # cases opened at the window since the account was made
        db_session().commit()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_session(db_session(), current_user.session_secret)
        db_session().commit()
    logout_user()
    session.clear()
    return redirect(url_for("portal.index"))
