"""The inbox page and the unread count in every signed-in page's header."""

from __future__ import annotations

import re

from sqlalchemy import select

from server.models import Notification, User
from server.services import notifications

COUNT = re.compile(r'<a class="bell" href="/notifications">([^<]*)(?:<span class="count"[^>]*>(\d+|99\+)</span>)?</a>')


def badge(web, user: str, path: str = "/") -> str | None:
    match = COUNT.search(web.page(user, path))
    assert match, f"{user} sees no notification link on {path}"
    return match.group(2)


def test_the_header_counts_unread_notifications_for_every_signed_in_user(web, build, runtime):
    app_id = build(lambda b: b.submitted("sole-trader"))
    assert badge(web, "applicant") == "1"
    assert badge(web, "applicant", "/my/cases") == "1"
    assert badge(web, "clerk", "/counter") == "1"
    assert badge(web, "supervisor") is None, "nothing new for the supervisor: the link, no count"
    assert 'class="bell"' not in web.page(None, "/"), "no inbox for someone not signed in"

    page = web.page("applicant", "/notifications")
    assert "申请已收到" in page and "个体工商户设立登记" in page and "未读" in page
    assert f'href="/my/cases/{app_id}"' in page
    with runtime.db.session() as session:
        applicant = session.scalar(select(User).where(User.username == "applicant"))
        [row] = notifications.inbox(session, applicant)[1]
        row_id = row.id
    web.post("clerk", f"/notifications/{row_id}/read", expect=404)
    web.post("applicant", f"/notifications/{row_id}/read")
    assert badge(web, "applicant") is None
    with runtime.db.session() as session:
        assert session.get(Notification, row_id).read_at is not None


def test_mark_all_read_and_the_channel_choices(web, build, runtime):
    build(lambda b: b.submitted("sole-trader"))
    build(lambda b: b.submitted("food-grocery"))
    assert badge(web, "clerk") == "2"
    page = web.post("clerk", "/notifications/read-all", expect=303)
    assert page.headers["Location"].endswith("/notifications")
    assert "已将 2 条通知标为已读" in web.page("clerk", "/notifications")
    assert badge(web, "clerk") is None

    web.post("clerk", "/notifications/settings", {"sms": "on", "language": "en"})
    with runtime.db.session() as session:
        clerk = session.scalar(select(User).where(User.username == "clerk"))
        assert notifications.channels_of(session, clerk).to_json() == {"email": False, "sms": True, "language": "en"}
    english = web.page("clerk", "/notifications?lang=en")
    assert "My notifications" in english and "How you are notified" in english


def test_the_inbox_page_works_on_a_phone_and_pages(web, build):
    for _ in range(3):
        build(lambda b: b.submitted("sole-trader"))
    page = web.page("clerk", "/notifications?per_page=2")
    assert page.count('class="card inbox-item unread"') == 2 and "下一页" in page
    assert 'name="viewport"' in page
    assert web.page("clerk", "/notifications?per_page=2&page=2").count("inbox-item") == 1


def test_every_message_of_the_inbox_has_english():
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with (root / "server/translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    sources = [root / "templates/notifications/inbox.html", root / "server/blueprints/notifications.py"]
    messages = [m for path in sources for _q, m in re.findall(r"""\b_\(\s*(['"])(.+?)\1""", path.read_text())]
    messages += ["通知", "未读通知", "科室负责人（接收本部门超期办件的督办通知）"]
    assert len(messages) > 15
    missing = [m for m in messages if not (catalogue.get(m) and catalogue.get(m).string)]
    assert not missing, missing
