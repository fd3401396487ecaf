"""The inbox in a real browser on a phone (Debian's Chromium through Selenium, the live server of
test_browser.py): the header's unread count, the inbox, marking one read. Saved as
test-artifacts/screenshots/notifications-01-inbox.png."""

from __future__ import annotations

import test_browser
from test_browser import PHONE, SHOTS, Pages

from server.services.cases import events
from server.vocabulary import EventAction

server = test_browser.server
driver = test_browser.driver


def _cases(runtime) -> None:
    """One case submitted, corrected and accepted with a deferred item, and a reminder: four notifications."""
    import scenario

    with runtime.db.session() as session:
        b = scenario.Builder(runtime, session)
        app = b.submitted("sole-trader", applicant="applicant2")
        correction = {"items": [{"slot": "premises_proof", "name": "经营场所证明", "reason": "租赁合同已过期"}]}
        events.record(session, app, b.user("clerk"), EventAction.REQUEST_CORRECTION, data=correction)
        app.gap_slots = ["premises_proof"]
        events.record(
            session,
            app,
            b.user("clerk"),
            EventAction.ACCEPT_WITH_GAP,
            data={"due_date": "2026-12-08", "gap_deadlines": {"premises_proof": "2026-12-04"}},
        )
        events.record(session, app, None, EventAction.REMIND, data={"slot": "premises_proof", "deadline": "2026-12-04"})


def test_the_inbox_on_a_phone(server, driver):
    base, _wsgi, runtime = server
    _cases(runtime)
    SHOTS.mkdir(parents=True, exist_ok=True)
    p = Pages(driver, base)
    p.size(PHONE)
    p.sign_in("applicant2")
    assert p.css(".bell .count").text == "4"
    p.click_and_load("a.bell")
    items = p.all(".inbox-item.unread")
    assert len(items) == 4 and "期限提醒" in items[0].text and "申请已收到" in items[-1].text
    assert "2026-12-04" in p.text() and "租赁合同已过期" in p.text()
    p.click_and_load(".inbox-item:last-child button.link")
    assert p.css(".bell .count").text == "3" and len(p.all(".inbox-item.unread")) == 3
    path = p.shot("inbox")
    path.replace(path.with_name("notifications-01-inbox.png"))
    assert (SHOTS / "notifications-01-inbox.png").stat().st_size > 10_000
    refused = [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused
