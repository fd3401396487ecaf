"""One's own account on the pages: an applicant registers (/register), anyone signed in changes their
password (/account/password). The rules are the services' (server/services/accounts.py)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..errors import AppError, Conflict, Forbidden, InvalidInput
from ..models import User
from ..services import accounts
from ..services.auth import end_session, start_session
from ..services.cases import queries
from ..web.access import web_user
from ..web.context import db_session, runtime

bp = Blueprint("accounts", __name__)

REGISTRATION = ("username", "password", "name", "id_number", "phone", "email")
# What a service puts in details.fields when its message already says it all: "taken", "registered", "wrong".
CODE = re.compile(r"^[a-z_]+$")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if request.method == "GET":
        return render_template("account/register.html", values={}, errors={})
    values = {name: request.form.get(name, "") for name in REGISTRATION}
    try:
        if values["password"] != request.form.get("password_again", ""):
            raise _mismatch("password_again", accounts.registration_problems(**values))
        user = accounts.create_applicant(db_session(), **values)
    except (InvalidInput, Conflict) as error:
        db_session().rollback()
        shown = {name: value for name, value in values.items() if name != "password"}
        return render_template("account/register.html", values=shown, errors=field_errors(error)), error.status
    _sign_in(user)
    flash(_("注册成功，欢迎使用。"), "ok")
    linked = queries.list_cases(db_session(), user, status=None, service=None, overdue=None, page=1, per_page=1)[0]
    if linked:
        flash(
            ngettext(
                "窗口为您办理的 %(num)d 件办件已关联到您的账号。",
                "窗口为您办理的 %(num)d 件办件已关联到您的账号。",
                linked,
            ),
            "ok",
        )
    return redirect(url_for("applicant.my_cases"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if request.method == "GET":
        return render_template("account/password.html", errors={})
    user = web_user()
    new = request.form.get("new_password", "")
    try:
        if new != request.form.get("new_password_again", ""):
            raise _mismatch("new_password_again", {})
        accounts.change_password(
            db_session(), user, current=request.form.get("current_password", ""), new=new, keep=user.session_secret
        )
    except (InvalidInput, Forbidden) as error:
        db_session().rollback()
        return render_template("account/password.html", errors=field_errors(error)), error.status
    db_session().commit()
    flash(_("密码已修改，其他设备上的登录均已退出。"), "ok")
    return redirect(url_for("accounts.change_password"), 303)


def _mismatch(field: str, others: dict[str, str]) -> InvalidInput:
    return InvalidInput(_("两次输入的密码不一致"), {"fields": {**others, field: _("两次输入的密码不一致")}})


def _sign_in(user: User) -> None:
    """As the login form signs in (server/blueprints/auth.py): a fresh cookie and a session row, committed
    together with the new account."""
    if current_user.is_authenticated:
        end_session(db_session(), current_user.session_secret)
    session.clear()
    user.session_secret = start_session(
        db_session(),
        user,
        lifetime=timedelta(hours=runtime().settings.session_lifetime_hours),
        remote_addr=request.remote_addr or "",
        user_agent=request.user_agent.string,
    )
    db_session().commit()
    login_user(user)


def field_errors(error: AppError) -> dict[str, str]:
    """Each bad field's problem in the page's language, shown next to the field."""
    fields = error.details.get("fields", {})
    return {name: in_language(error.message if CODE.match(problem) else problem) for name, problem in fields.items()}


def in_language(message: str) -> str:
    """The services speak ``中文 (English)``; a page shows the half in its own language."""
    chinese, bracket, english = message.partition(" (")
    if not bracket or not english.endswith(")"):
        return message
    return english[:-1] if str(get_locale()) == "en" else chinese
