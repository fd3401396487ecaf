"""The inbox page (/notifications) for every signed-in user, its read marks, the channel choices, and
the unread count the header shows on every page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Notification, User
from ..models.notifications import LANGUAGES
from ..services import notifications
from ..vocabulary import NotificationKind
from ..web.access import require_sign_in, web_user
from ..web.context import db_session
from ..web.paging import paging

bp = Blueprint("notifications", __name__)
require_sign_in(bp)

# Where each role reads a case; an archivist has no case pages (they read dossiers).
CASE_PAGES = {
    "applicant": "applicant.status",
    "clerk": "counter.case",
    "officer": "department.case",
    "supervisor": "supervision.case",
    "admin": "supervision.case",
}
LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}


# Notifications about no case open the page where they are answered.
KIND_PAGES = {NotificationKind.ACCESS_REQUEST: "ledger.my_requests"}


def case_url(user: User, row: Notification) -> str | None:
    if row.kind in KIND_PAGES:
        return url_for(KIND_PAGES[NotificationKind(row.kind)])
    page = CASE_PAGES.get(user.role)
    return url_for(page, app_id=row.application_id) if page and row.application_id else None


@bp.get("/notifications")
def inbox():
    user, session = web_user(), db_session()
    page, per_page = paging()
    total, rows = notifications.inbox(session, user, page=page, per_page=per_page)
    return render_template(
        "notifications/inbox.html",
        rows=rows,
        total=total,
        page=page,
        per_page=per_page,
        unread=notifications.unread_count(session, user),
        case_url=lambda row: case_url(user, row),
        channels=notifications.channels_of(session, user),
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        has_email=bool(user.email),
        has_phone=bool(user.phone),
    )


@bp.post("/notifications/<notification_id>/read")
def read(notification_id: str):
    notifications.mark_read(db_session(), web_user(), notification_id)
    db_session().commit()
    return redirect(url_for("notifications.inbox", page=request.form.get("page") or None), 303)


@bp.post("/notifications/read-all")
def read_all():
    count = notifications.mark_all_read(db_session(), web_user())
    db_session().commit()
    flash(_("已将 %(num)d 条通知标为已读。", num=count), "ok")
    return redirect(url_for("notifications.inbox"), 303)


@bp.post("/notifications/settings")
def settings():
    language = request.form.get("language")
    notifications.set_channels(
        db_session(),
        web_user(),
        email=request.form.get("email") == "on",
        sms=request.form.get("sms") == "on",
        language=language if language in LANGUAGES else None,
    )
    db_session().commit()
    flash(_("通知方式已保存。"), "ok")
    return redirect(url_for("notifications.inbox"), 303)


@bp.app_context_processor
def _unread_badge() -> dict:
    """``unread_notifications()`` for the header: counted only when a page asks, for signed-in users."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(db_session(), current_user)

    return {"unread_notifications": unread_notifications}
