"""Staff and applicant accounts as the administrator manages them: create, change, reset, (de)activate.

Deactivating, and resetting a password, end every session and token of the
account at once (services/auth.py), so a leaver or a leaked password stops
working the moment the change is saved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput, NotFound
from ...models import ROLES, Department, User
from .. import auth
from ..accounts import USERNAME, email_problem, password_problem, require_valid_person
from . import audit
from .audit import Actor

CHANGEABLE = ("display_name", "role", "department", "active", "password", "phone", "id_number", "email", "is_head")


def user_json(user: User) -> dict[str, Any]:
    """The admin's view of an account: no password hash, ever (it would end up in the audit log)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department.code if user.department else None,
        "active": user.active,
        "phone": user.phone,
        "id_number": user.id_number,
        "email": user.email,
        "is_head": user.is_head,
        "signs_in_with": "oidc" if user.oidc_subject else "password",
        "created_at": user.created_at.isoformat() if user.created_at else None,
    }


def list_users(session: Session, *, role: str | None, page: int, per_page: int) -> tuple[int, list[User]]:
    query = select(User)
    if role:
        query = query.where(User.role == role)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return total, list(
        session.scalars(query.order_by(User.role, User.username).offset((page - 1) * per_page).limit(per_page))
    )


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"没有用户 {username} (no user {username})")
    return user


def create_user(session: Session, actor: Actor, username: str, fields: dict[str, Any]) -> User:
    """A staff or applicant account with a password (the admin hands it over; the user should change it)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput(
            "用户名须为3至64位小写字母、数字、点、横线或下划线 (username: 3 to 64 of a-z 0-9 . _ -)",
            {"fields": {"username": "invalid"}},
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已被使用 (username {username} is taken)", {"fields": {"username": "taken"}})
    if not fields.get("password"):
        raise InvalidInput("请设置初始密码 (set an initial password)", {"fields": {"password": "required"}})
    user = User(username=username, display_name="", role="", password_hash="", phone="", id_number="", email="")
    _apply(session, user, {"active": True, **fields})
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", f"user:{username}", before=None, after=user_json(user))
    return user


def update_user(session: Session, actor: Actor, username: str, changes: dict[str, Any]) -> User:
    """Changes some fields; a new password or deactivation signs the user out everywhere."""
    user = get_user(session, username)
    if user.username == actor.username and (changes.get("active") is False or changes.get("role", "admin") != "admin"):
        raise Conflict("不能停用自己或取消自己的管理员角色 (you cannot deactivate yourself or drop your admin role)")
    before = user_json(user)
    _apply(session, user, changes)
    if changes.get("active") is False or changes.get("password"):
        auth.revoke_all(session, user)
    after = user_json(user)
    if after != before or changes.get("password"):
        audit.record(session, actor, _action(before, after), f"user:{username}", before=before, after=after)
    return user


def _action(before: dict[str, Any], after: dict[str, Any]) -> str:
    if before["active"] and not after["active"]:
        return "user.deactivate"
    if after["active"] and not before["active"]:
        return "user.reactivate"
    return "user.update" if after != before else "user.reset_password"


def _apply(session: Session, user: User, changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise InvalidInput(f"不能修改 {', '.join(unknown)} (cannot change {', '.join(unknown)})")
    merged = {**_current(user), **{k: v for k, v in changes.items() if v is not None}}
    if changes.get("department", "") is None:
        merged["department"] = None
    problems = _problems(session, user.username, merged, changes)
    if problems:
        raise InvalidInput("账户信息有误，请逐项修改 (the account needs fixing)", {"fields": problems})
    user.display_name, user.role, user.active = merged["display_name"], merged["role"], bool(merged["active"])
    user.phone, user.email, user.is_head = merged["phone"], merged["email"], bool(merged["is_head"])
    user.id_number = merged["id_number"].strip().upper()
    user.department = (
        session.scalar(select(Department).where(Department.code == merged["department"]))
        if merged["department"]
        else None
    )
    if changes.get("password"):
        user.password_hash = auth.hash_password(changes["password"])


def _current(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "phone": user.phone,
        "email": user.email,
        "id_number": user.id_number,
        "department": user.department.code if user.department else None,
        "is_head": user.is_head,
    }


def _problems(session: Session, username: str, merged: dict[str, Any], changes: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not str(merged["display_name"]).strip():
        problems["display_name"] = "必填 (required)"
    if merged["role"] not in ROLES:
        problems["role"] = f"须为 {'/'.join(ROLES)} (one of {', '.join(ROLES)})"
    if merged["role"] == "officer" and not merged["department"]:
        problems["department"] = "审批人员须属于一个部门 (an officer belongs to a department)"
    if merged["is_head"] and merged["role"] != "officer":
        problems["is_head"] = "只有审批人员可以是科室负责人 (only an officer heads a department)"
    if (
        merged["department"]
        and session.scalar(select(Department.id).where(Department.code == merged["department"])) is None
    ):
        problems["department"] = f"没有部门 {merged['department']} (no such department)"
    if merged["role"] == "applicant":
        try:
            require_valid_person(name=merged["display_name"], id_number=merged["id_number"], phone=merged["phone"])
        except InvalidInput as exc:
            problems.update(exc.details["fields"])
    if merged["email"] and (problem := email_problem(merged["email"])):
        problems["email"] = problem
    if changes.get("password") and (
        problem := password_problem(
            changes["password"], username=username, id_number=merged["id_number"], phone=merged["phone"]
        )
    ):
        problems["password"] = problem
    return problems
