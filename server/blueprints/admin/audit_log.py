"""The audit log page: every administrative change, newest first, each with the fields it changed.

Read-only, as the log is: there is no form here that writes.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_pgettext

from ...services.admin import audit
from ...web.context import db_session
from ...web.paging import paging
from .blueprint import bp
from .changes import diff

PER_PAGE = 30
ACTIONS = {
    "department.create": lazy_pgettext("audit", "新建部门"),
    "department.update": lazy_pgettext("audit", "修改部门"),
    "material_type.create": lazy_pgettext("audit", "新建材料类型"),
    "material_type.update": lazy_pgettext("audit", "修改材料类型"),
    "service.publish": lazy_pgettext("audit", "发布事项指南"),
    "service.retire": lazy_pgettext("audit", "停止受理"),
    "service.reinstate": lazy_pgettext("audit", "恢复受理"),
    "user.create": lazy_pgettext("audit", "新建账户"),
    "user.update": lazy_pgettext("audit", "修改账户"),
    "user.reset_password": lazy_pgettext("audit", "重置密码"),
    "user.deactivate": lazy_pgettext("audit", "停用账户"),
    "user.reactivate": lazy_pgettext("audit", "重新启用账户"),
}


def action_label(action: str) -> str:
    """The action in words; one this page does not know yet (a newer kind of change) shows its code."""
    return str(ACTIONS.get(action, action))


@bp.get("/audit")
def audit_page():
    target = request.args.get("target", "").strip()[:200]
    page, per_page = paging(PER_PAGE)
    total, rows = audit.entries(db_session(), page=page, per_page=per_page, target=target or None)
    return render_template(
        "admin/audit.html",
        entries=[(entry, diff(entry.before, entry.after)) for entry in rows],
        action_label=action_label,
        target=target,
        total=total,
        page=page,
        pages=max(1, -(-total // per_page)),
    )
