"""Accounts: the list by role, a new staff or applicant account with its initial password, and one
account's page (details, password reset, deactivate / reactivate). A reset or a deactivation ends every
session and token of the account at once (services/admin/users.py)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ...errors import AppError, InvalidInput
from ...models import ROLES, User
from ...services import catalogue as reading
from ...services.admin import users
from ...web import labels
from ...web.context import db_session
from ...web.paging import paging
from .blueprint import admin_user, bp
from .forms import Done, checked, field_errors, save, text

DETAILS = ("display_name", "role", "department", "phone", "id_number", "email")
INPUTS = frozenset({*DETAILS, "username", "password", "is_head"})
PER_PAGE = 50


@bp.get("/users")
def accounts():
    role = request.args.get("role", "")
    role = role if role in ROLES else ""
    page, per_page = paging(PER_PAGE)
    total, rows = users.list_users(db_session(), role=role or None, page=page, per_page=per_page)
    return render_template(
        "admin/users.html",
        users=rows,
        roles=ROLES,
        role=role,
        page=page,
        pages=max(1, -(-total // per_page)),
        total=total,
    )


def _details() -> dict[str, Any]:
    """The posted details; an empty department means none (staff of the centre itself, applicants)."""
    fields: dict[str, Any] = {name: text(name, 200) for name in DETAILS}
    fields["department"] = fields["department"] or None
    fields["is_head"] = checked("is_head")
    return fields


def _problems(error: AppError | None) -> dict[str, Any]:
    """Each problem by its input; the person checks call the name ``name``, this form ``display_name``."""
    errors = field_errors(error)
    if "name" in errors:
        errors.setdefault("display_name", errors.pop("name"))
    unplaced = {name: problem for name, problem in errors.items() if name not in INPUTS}
    return {"error": error, "errors": errors, "unplaced": unplaced}


def _choices() -> dict[str, Any]:
    """The role and department options of the account forms."""
    return {
        "role_options": [(role, labels.label(labels.ROLE, role)) for role in ROLES],
        "dept_options": [(d.code, d.name) for d in reading.list_departments(db_session())],
    }


def _new_page(error: AppError | None = None):
    body = render_template(
        "admin/user_new.html",
        values=request.form if error else {"role": request.args.get("role") or "clerk"},
        **_problems(error),
        **_choices(),
    )
    return body, (error.status if error else 200)


@bp.route("/users/new", methods=["GET", "POST"])
def new_account():
    if request.method == "GET":
        return _new_page()
    admin = admin_user()

    def action(session: Session) -> Done:
        fields = {**_details(), "password": request.form.get("password", "")}
        user = users.create_user(session, admin, text("username", 64), fields)
        return Done(_("已创建账户：%(name)s", name=user.username), url_for("admin.account", username=user.username))

    return save(action, refused=_new_page)


def _account_page(user: User, error: AppError | None = None, *, posted_details: bool = False):
    body = render_template(
        "admin/user_edit.html",
        user=user,
        values=request.form if posted_details else users.user_json(user),
        is_self=user.username == admin_user().username,
        **_problems(error),
        **_choices(),
    )
    return body, (error.status if error else 200)


def _change(username: str, changes: dict[str, Any], message: str, *, posted_details: bool = False):
    """One change of one account; "没有变化" when the account reads the same afterwards."""
    admin, user = admin_user(), users.get_user(db_session(), username)
    before = users.user_json(user)

    def action(session: Session) -> Done:
        if "password" in changes and not changes["password"]:
            raise InvalidInput(_("请填写新密码"), {"fields": {"password": "required"}})
        after = users.user_json(users.update_user(session, admin, username, changes))
        changed = after != before or "password" in changes
        return Done(message if changed else _("没有变化"), url_for("admin.account", username=username))

    return save(action, refused=lambda error: _account_page(user, error, posted_details=posted_details))


@bp.route("/users/<username>", methods=["GET", "POST"])
def account(username: str):
    if request.method == "GET":
        return _account_page(users.get_user(db_session(), username))
    return _change(username, _details(), _("已保存账户：%(name)s", name=username), posted_details=True)


@bp.post("/users/<username>/password")
def reset_password(username: str):
    return _change(
        username,
        {"password": request.form.get("password", "")},
        _("已重置密码：%(name)s 已在所有设备上退出登录", name=username),
    )


@bp.post("/users/<username>/deactivate")
def deactivate(username: str):
    return _change(username, {"active": False}, _("已停用账户：%(name)s 的登录和令牌已全部失效", name=username))


@bp.post("/users/<username>/reactivate")
def reactivate(username: str):
    return _change(username, {"active": True}, _("已重新启用账户：%(name)s", name=username))
