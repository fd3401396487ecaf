"""Template helpers for the workflow pages: local times, sizes, code labels and the role's navigation.

Registered as a blueprint so the app factory only has to register it.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..timeutil import local
from . import labels

bp = Blueprint("templating", __name__)

# endpoint, label, roles that see it (None: everyone)
NAV = (
    ("portal.index", _l("办事指南"), None),
    ("track.lookup", _l("办件查询"), None),
    ("applicant.my_cases", _l("我的办件"), {"applicant"}),
    ("ledger.my_ledger", _l("调阅记录"), {"applicant"}),
    ("holdings.my_licences", _l("我的证照"), {"applicant"}),
    ("holdings.my_dossiers", _l("我的档案"), {"applicant"}),
    ("counter.queue", _l("窗口受理"), {"clerk"}),
    ("department.queue", _l("部门办理"), {"officer"}),
    ("archive.search", _l("档案检索"), {"officer", "archivist"}),
    ("supervision.dashboard", _l("督办"), {"supervisor", "admin"}),
    ("admin.overview", _l("系统管理"), {"admin"}),
)


def nav_links() -> list[dict]:
    role = current_user.role if current_user.is_authenticated else None
    links = []
    for endpoint, text, roles in NAV:
        if roles is None or role in roles:
            section = endpoint.split(".")[0]
            links.append(
                {"endpoint": endpoint, "label": text, "active": request.blueprint == section and section != "portal"}
            )
    return links


@bp.app_context_processor
def _workflow_helpers() -> dict:
    return {"nav_links": nav_links, "labels": labels, "label": labels.label}


@bp.app_template_filter("localtime")
def localtime(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Times are stored in UTC; people read them in the centre's zone (ISO strings from JSON views too)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return local(value).strftime(fmt)


@bp.app_template_filter("isodate")
def isodate(value: date | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    if size is None:
        return ""
    amount: float = size
    for unit in ("B", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return ""
