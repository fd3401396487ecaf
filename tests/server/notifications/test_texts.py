"""Every notification reads in both languages, and every kind is sent by some event."""

from __future__ import annotations

from notification_support import inbox_of

from server.services.cases import events
from server.services.notifications import DIRECT_KINDS, RULES, notify_user, set_channels, texts
from server.vocabulary import EventAction, NotificationKind


def test_every_kind_is_sent_by_a_rule_and_has_both_languages():
    sent = {kind for rules in RULES.values() for kind, _ in rules}
    assert sent | set(DIRECT_KINDS) == set(NotificationKind) and not sent & set(DIRECT_KINDS)
    assert set(texts.TITLES_EN) == set(NotificationKind)
    for (kind, _variant), bodies in texts.BODIES.items():
        assert set(bodies) == {texts.ZH, texts.EN}, kind


def test_a_user_who_chose_english_reads_english_and_chinese_is_the_default(cases):
    app = cases.submitted()
    set_channels(cases.session, cases.user("applicant"), language="en")
    events.record(cases.session, app, None, EventAction.REMIND, data={"slot": "operator_id", "deadline": "2026-12-03"})
    receipt, reminder = inbox_of(cases.session, "applicant")
    assert receipt.title == "申请已收到", "written in Chinese when it was sent"
    assert reminder.title == "Deadline reminder"
    assert reminder.body.startswith("Reminder: your application for") and "2026-12-03" in reminder.body
    assert app.tracking_number in reminder.body


def test_every_rule_renders_in_both_languages(cases):
    app = cases.submitted()
    for action in RULES:
        for language in (texts.ZH, texts.EN):
            set_channels(cases.session, cases.user("applicant"), language=language)
            events.record(cases.session, app, None, EventAction(action), note="理由", data={"slot": "operator_id"})
    for row in inbox_of(cases.session, "applicant"):
        assert row.title and app.tracking_number in row.body and "{" not in row.body


def test_notifications_of_no_case_render_in_both_languages(cases):
    facts = {
        "officer": "张三",
        "department": "卫健局",
        "service": "开办民宿",
        "code": "0001-2026-D30-WLJ-00001",
        "files": "身份证.jpg",
        "purpose": "核验",
        "days": "7",
        "answer": "同意",
        "until": "",
    }
    applicant = cases.user("applicant")
    for language in (texts.ZH, texts.EN):
        set_channels(cases.session, applicant, language=language)
        for kind in DIRECT_KINDS:
            row = notify_user(cases.session, applicant, kind, facts, facts)
            assert row.title == texts.title(kind, language) and "{" not in row.body and "0001-2026" in row.body
