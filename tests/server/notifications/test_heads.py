"""Department heads (科室负责人) are set by the administrator, on officers only, and hear of red clocks."""

from __future__ import annotations

from notification_support import inbox_of
from test_inbox_api import token

from server.services.cases import events, handling
from server.vocabulary import EventAction, NotificationKind


def test_the_admin_makes_an_officer_head_and_only_an_officer(client, cases, settings):
    admin = token(client, "admin", settings.demo_password)
    made = client.patch("/api/v1/admin/users/officer-wjj", headers=admin, json={"is_head": True})
    assert made.status_code == 200 and made.get_json()["is_head"] is True
    refused = client.patch("/api/v1/admin/users/clerk", headers=admin, json={"is_head": True})
    assert refused.status_code == 400 and "is_head" in refused.get_json()["error"]["details"]["fields"]

    app = cases.submitted(service="public-hygiene")
    app.status = "accepted"
    handling.route(cases.session, cases.user("clerk"), app, ["wjj"])
    events.record(cases.session, app, None, EventAction.ESCALATE)
    assert inbox_of(cases.session, "officer-wjj")[-1].kind == NotificationKind.CLOCK_RED
